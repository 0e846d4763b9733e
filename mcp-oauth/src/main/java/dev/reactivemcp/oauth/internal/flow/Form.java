package dev.reactivemcp.oauth.internal.flow;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Ordered name/value pairs encoded as {@code application/x-www-form-urlencoded} (token requests, RFC 6749
 * Appendix B) or as a query with {@code %20} for spaces (authorization requests). Holds secrets, so
 * {@link #toString()} shows names only.
 */
final class Form {

    private final List<String[]> pairs = new ArrayList<>();

    Form add(String name, String value) {
        if (value != null) {
            pairs.add(new String[] {name, value});
        }
        return this;
    }

    /** The first value of {@code name}, or null. */
    String first(String name) {
        return pairs.stream().filter(p -> p[0].equals(name)).map(p -> p[1]).findFirst().orElse(null);
    }

    /** An independent copy. */
    Form copy() {
        Form f = new Form();
        f.pairs.addAll(pairs);
        return f;
    }

    /** {@code application/x-www-form-urlencoded}: spaces as {@code +}. */
    String encode() {
        StringJoiner joined = new StringJoiner("&");
        pairs.forEach(p -> joined.add(formEncode(p[0]) + "=" + formEncode(p[1])));
        return joined.toString();
    }

    /** As a URL query: every character outside the RFC 3986 unreserved set percent-encoded, spaces as {@code %20}. */
    String encodeForQuery() {
        StringJoiner joined = new StringJoiner("&");
        pairs.forEach(p -> joined.add(formEncode(p[0]).replace("+", "%20") + "=" + formEncode(p[1]).replace("+", "%20")));
        return joined.toString();
    }

    /** RFC 6749 Appendix B encoding, also used for the client id and secret of HTTP Basic (section 2.3.1). */
    static String formEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        StringJoiner names = new StringJoiner(", ", "Form[", "]");
        pairs.forEach(p -> names.add(p[0]));
        return names.toString();
    }
}
