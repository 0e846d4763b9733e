package dev.reactivemcp.transport;

import java.util.Map;

/**
 * A notification from the server ({@code notifications/message}, {@code notifications/progress},
 * {@code notifications/tools/list_changed}, ...), as received on any stream.
 *
 * <pre>{@code
 * client.notifications().filter(n -> n.method().equals("notifications/message")).subscribe(log::info);
 * }</pre>
 *
 * @param method the notification method
 * @param params its params as free-form JSON, possibly empty
 */
public record McpNotification(String method, Map<String, Object> params) {

    /**
     * Makes params non-null.
     *
     * @param method the notification method, for example {@code notifications/message}
     * @param params its params, or {@code null} for empty
     */
    public McpNotification {
        params = params == null ? Map.of() : params;
    }
}
