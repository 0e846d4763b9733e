package dev.reactivemcp.errors.internal;

import dev.reactivemcp.errors.WwwAuthenticate;
import dev.reactivemcp.errors.WwwAuthenticate.Challenge;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Tokenizer for {@code WWW-Authenticate} (RFC 9110 section 11.6.1):
 * {@code challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]}, list elements separated by commas,
 * {@code auth-param = token BWS "=" BWS ( token / quoted-string )}. A comma followed by {@code token BWS "="}
 * continues the current challenge; any other token starts a new one. Malformed list elements are skipped up
 * to the next top-level comma and reported. Bounded: see the limits below. Not API.
 */
public final class ChallengeParser {

    /** Longer header values are skipped whole. */
    public static final int MAX_HEADER_LENGTH = 16 * 1024;
    /** At most this many challenges are kept across all header values. */
    public static final int MAX_CHALLENGES = 64;
    /** At most this many auth-params per challenge. */
    public static final int MAX_PARAMS = 64;
    private static final int MAX_PROBLEMS = 16;

    private final String s;
    private final int header;
    private final List<Challenge> out;
    private final List<String> problems;
    private int pos;
    private String scheme;
    private Map<String, String> params;
    private String token68;

    private ChallengeParser(String s, int header, List<Challenge> out, List<String> problems) {
        this.s = s;
        this.header = header;
        this.out = out;
        this.problems = problems;
    }

    /** Parses every header value; never throws. */
    public static WwwAuthenticate parse(List<String> headerValues) {
        List<Challenge> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int h = 0; h < headerValues.size(); h++) {
            String value = headerValues.get(h);
            if (value == null) {
                continue;
            }
            ChallengeParser parser = new ChallengeParser(value, h, out, problems);
            if (value.length() > MAX_HEADER_LENGTH) {
                parser.problem("header value longer than " + MAX_HEADER_LENGTH + " characters, skipped");
            } else {
                parser.run();
            }
        }
        return new WwwAuthenticate(out, problems);
    }

    private void run() {
        while (true) {
            skipOws();
            if (pos >= s.length()) {
                break;
            }
            if (s.charAt(pos) == ',') {
                pos++;
            } else {
                element();
            }
        }
        finishChallenge();
    }

    /** One list element: {@code token BWS "=" ...} continues the current challenge, a token alone starts one. */
    private void element() {
        int start = pos;
        skipTchars();
        if (pos == start) {
            fail("expected an auth-scheme or an auth-param");
            return;
        }
        String token = s.substring(start, pos);
        int afterToken = pos;
        skipOws();
        if (pos < s.length() && s.charAt(pos) == '=') {
            if (scheme == null || token68 != null) {
                fail(scheme == null ? "auth-param before any auth-scheme" : "auth-param after a token68");
                return;
            }
            pos++;
            paramValue(token);
            return;
        }
        pos = afterToken;
        startChallenge(token);
    }

    private void startChallenge(String name) {
        finishChallenge();
        scheme = name;
        params = new LinkedHashMap<>();
        token68 = null;
        if (atElementEnd()) {
            return;
        }
        if (!isOws(s.charAt(pos))) {
            fail("expected a space after the auth-scheme");
            return;
        }
        skipOws();
        if (!atElementEnd()) {
            token68OrFirstParam();
        }
    }

    /** After {@code scheme 1*SP}: a token68 (possibly {@code =}-padded) or the first auth-param. */
    private void token68OrFirstParam() {
        int start = pos;
        while (pos < s.length() && (HttpSyntax.isTchar(s.charAt(pos)) || s.charAt(pos) == '/')) {
            pos++;
        }
        int runEnd = pos;
        while (pos < s.length() && s.charAt(pos) == '=') {
            pos++;
        }
        int padEnd = pos;
        skipOws();
        String run = s.substring(start, runEnd);
        if (atElementEnd() && runEnd > start) {
            String candidate = s.substring(start, padEnd);
            if (HttpSyntax.isToken68(candidate)) {
                token68 = candidate;
            } else {
                problem("invalid token68");
            }
        } else if (HttpSyntax.isToken(run) && (padEnd == runEnd + 1 || (padEnd == runEnd && s.charAt(pos) == '='))) {
            pos = padEnd == runEnd ? pos + 1 : padEnd;
            paramValue(run);
        } else {
            fail("expected a token68 or an auth-param");
        }
    }

    /** {@code BWS ( token / quoted-string ) OWS} then a comma or the end. */
    private void paramValue(String name) {
        skipOws();
        String value;
        if (pos < s.length() && s.charAt(pos) == '"') {
            value = quotedString();
            if (value == null) {
                return;
            }
        } else {
            int start = pos;
            skipTchars();
            if (pos == start) {
                fail("expected a token or a quoted-string value");
                return;
            }
            value = s.substring(start, pos);
        }
        skipOws();
        if (!atElementEnd()) {
            fail("expected ',' after an auth-param");
            return;
        }
        addParam(name.toLowerCase(Locale.ROOT), value);
    }

    private String quotedString() {
        StringBuilder value = new StringBuilder();
        pos++;
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == '"') {
                return value.toString();
            }
            if (c == '\\' && pos < s.length() && isQuotedPairChar(s.charAt(pos))) {
                value.append(s.charAt(pos++));
            } else if (HttpSyntax.isQdtext(c)) {
                value.append(c);
            } else {
                fail("invalid character in a quoted-string");
                return null;
            }
        }
        problem("unterminated quoted-string");
        return null;
    }

    private void addParam(String name, String value) {
        if (params.containsKey(name)) {
            problem("duplicate auth-param, first kept");
        } else if (params.size() >= MAX_PARAMS) {
            problem("more than " + MAX_PARAMS + " auth-params");
        } else {
            params.put(name, value);
        }
    }

    private void finishChallenge() {
        if (scheme == null) {
            return;
        }
        if (out.size() < MAX_CHALLENGES) {
            out.add(new Challenge(scheme, params, token68));
        } else {
            problem("more than " + MAX_CHALLENGES + " challenges");
        }
        scheme = null;
    }

    /** Records a problem and skips to the next top-level comma (quoted strings respected). */
    private void fail(String what) {
        problem(what);
        boolean quoted = false;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (!quoted && c == ',') {
                return;
            }
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted) {
                pos++;
            }
            pos++;
        }
    }

    private void problem(String what) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add("header " + header + ", offset " + pos + ": " + what);
        }
    }

    private boolean atElementEnd() {
        return pos >= s.length() || s.charAt(pos) == ',';
    }

    private void skipTchars() {
        while (pos < s.length() && HttpSyntax.isTchar(s.charAt(pos))) {
            pos++;
        }
    }

    private void skipOws() {
        while (pos < s.length() && isOws(s.charAt(pos))) {
            pos++;
        }
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isQuotedPairChar(char c) {
        return c == '\t' || (c >= 0x20 && c != 0x7F);
    }
}
