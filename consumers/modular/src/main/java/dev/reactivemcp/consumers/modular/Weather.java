package dev.reactivemcp.consumers.modular;

import java.util.List;

/**
 * A structured tool result as an application models it.
 *
 * @param city the city
 * @param celsius the temperature
 * @param alerts the alerts in force
 */
public record Weather(String city, double celsius, List<String> alerts) { }
