package dev.reactivemcp.errors.internal;

/** Character classes of RFC 9110 section 5.6 (token, quoted-string) and section 11.2 (token68). Not API. */
public final class HttpSyntax {

    private HttpSyntax() { }

    /** tchar: {@code !#$%&'*+-.^_`|~}, DIGIT, ALPHA. */
    public static boolean isTchar(char c) {
        return isAlphaDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** ALPHA, DIGIT, {@code - . _ ~ + /}: the characters of a token68 before its {@code =} padding. */
    public static boolean isToken68Char(char c) {
        return isAlphaDigit(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    }

    /** Whether {@code s} is a non-empty token. */
    public static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTchar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s} is a token68: {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. */
    public static boolean isToken68(String s) {
        int i = 0;
        while (i < s.length() && isToken68Char(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < s.length() && s.charAt(i) == '=') {
            i++;
        }
        return i == s.length();
    }

    /** Whether {@code c} may appear unescaped inside a quoted-string (obs-text and beyond accepted). */
    public static boolean isQdtext(char c) {
        return c == '\t' || (c >= 0x20 && c != '"' && c != '\\' && c != 0x7F);
    }

    /** {@code value} as a quoted-string, escaping {@code "} and {@code \}. */
    public static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('"').toString();
    }

    private static boolean isAlphaDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
