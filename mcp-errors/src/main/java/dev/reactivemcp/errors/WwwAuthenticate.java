package dev.reactivemcp.errors;

import dev.reactivemcp.errors.internal.ChallengeParser;
import dev.reactivemcp.errors.internal.HttpSyntax;
import dev.reactivemcp.errors.internal.Redaction;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The parsed {@code WWW-Authenticate} response header (RFC 9110 section 11.6.1): every challenge of every header
 * line, in order, plus a description of each part that could not be parsed. Parsing never throws: malformed
 * parts are skipped and reported in {@link #problems()}; well-formed challenges around them are kept.
 *
 * <p>Handles several challenges per line and across lines, quoted strings with escapes and commas, token68
 * credentials, and case-insensitive scheme and parameter names (names are stored lower-cased). The OAuth
 * parameters of RFC 6750 section 3 ({@code error}, {@code scope}, ...), RFC 9728 section 5.1
 * ({@code resource_metadata}) and RFC 9449 section 7.1 ({@code DPoP}) are exposed on {@link Challenge}.
 *
 * <pre>{@code
 * WwwAuthenticate header = WwwAuthenticate.parse(List.of(
 *     "Bearer error=\"insufficient_scope\", scope=\"files:read files:write\", DPoP algs=\"ES256\""));
 * header.oauthChallenge().map(Challenge::scopes);   // Optional[[files:read, files:write]]
 * }</pre>
 *
 * @param challenges the challenges that parsed, in header order
 * @param problems   one entry per malformed part (header index, offset, what was expected); never secret
 */
public record WwwAuthenticate(List<Challenge> challenges, List<String> problems) {

    /** An empty header: no challenges, no problems. */
    public static final WwwAuthenticate EMPTY = new WwwAuthenticate(List.of(), List.of());

    /**
     * Copies both lists.
     *
     * @param challenges the challenges, in header order; not {@code null}
     * @param problems   descriptions of malformed parts; not {@code null}
     * @throws NullPointerException when a list or an element is {@code null}
     */
    public WwwAuthenticate {
        challenges = List.copyOf(challenges);
        problems = List.copyOf(problems);
    }

    /**
     * Parses all values of the header (one entry per header line); {@code null} entries are skipped.
     *
     * @param headerValues the header's values, one per line; {@code null} or empty gives {@link #EMPTY}
     * @return the challenges and problems; never {@code null}, never throws for malformed input
     */
    public static WwwAuthenticate parse(List<String> headerValues) {
        return headerValues == null || headerValues.isEmpty() ? EMPTY : ChallengeParser.parse(headerValues);
    }

    /**
     * Parses one header line.
     *
     * @param headerValue the header value, or {@code null} (no challenges)
     * @return the challenges and problems; never {@code null}
     */
    public static WwwAuthenticate parse(String headerValue) {
        return parse(Collections.singletonList(headerValue));
    }

    /**
     * Whether every part of every header line parsed.
     *
     * @return {@code true} when {@link #problems()} is empty
     */
    public boolean isWellFormed() {
        return problems.isEmpty();
    }

    /**
     * The first challenge with the given scheme, compared case-insensitively.
     *
     * @param scheme an auth-scheme such as {@code Bearer}
     * @return the first matching challenge, or empty
     */
    public Optional<Challenge> find(String scheme) {
        return challenges.stream().filter(c -> c.isScheme(scheme)).findFirst();
    }

    /**
     * The OAuth challenge of these challenges: see {@link #oauthChallenge(List)}.
     *
     * @return the {@code Bearer} or {@code DPoP} challenge to act on, or empty
     */
    public Optional<Challenge> oauthChallenge() {
        return oauthChallenge(challenges);
    }

    /**
     * The first {@code Bearer} (RFC 6750) or {@code DPoP} (RFC 9449) challenge that carries an {@code error},
     * else the first of those schemes, else empty.
     *
     * @param challenges the challenges to search; not {@code null}
     * @return the challenge to act on, or empty when none is {@code Bearer} or {@code DPoP}
     */
    public static Optional<Challenge> oauthChallenge(List<Challenge> challenges) {
        Challenge first = null;
        for (Challenge c : challenges) {
            if (c.isScheme("Bearer") || c.isScheme("DPoP")) {
                if (c.error().isPresent()) {
                    return Optional.of(c);
                }
                first = first == null ? c : first;
            }
        }
        return Optional.ofNullable(first);
    }

    /**
     * The challenges rendered as one header value that {@link #parse(String)} reads back equal.
     *
     * @return the challenges joined by {@code ", "}; empty when there are none
     */
    public String toHeaderValue() {
        StringJoiner joined = new StringJoiner(", ");
        challenges.forEach(c -> joined.add(c.toHeaderValue()));
        return joined.toString();
    }

    /**
     * One authentication challenge (RFC 9110 section 11.6.1): a scheme and either auth-params or a token68.
     *
     * <pre>{@code
     * Challenge c = Challenge.of("Bearer", Map.of("error", "invalid_token"));
     * c.toHeaderValue();   // Bearer error="invalid_token"
     * }</pre>
     *
     * @param scheme  the auth-scheme as sent, for example {@code Bearer}; compare with {@link #isScheme}
     * @param params  auth-params with lower-cased names, in header order; unmodifiable
     * @param token68 the token68 form instead of params, or {@code null}
     */
    public record Challenge(String scheme, Map<String, String> params, String token68) {

        /**
         * Validates the scheme, parameter names and token68; lower-cases and copies the names.
         *
         * @param scheme  the auth-scheme, an RFC 9110 token
         * @param params  auth-params (token names, non-null values), or {@code null} for none; of names that differ
         *                only in case the first is kept
         * @param token68 the token68 credentials, or {@code null}; only without params
         * @throws IllegalArgumentException when the scheme or a name is not a token, a value is {@code null}, or the
         *                                  token68 is malformed or given together with params
         */
        public Challenge {
            params = params == null ? Map.of() : params;
            if (scheme == null || !HttpSyntax.isToken(scheme)) {
                throw new IllegalArgumentException("auth-scheme must be an RFC 9110 token");
            }
            if (token68 != null && (!HttpSyntax.isToken68(token68) || !params.isEmpty())) {
                throw new IllegalArgumentException("token68 must be valid and exclusive of auth-params");
            }
            Map<String, String> copy = new LinkedHashMap<>();
            params.forEach((name, value) -> {
                if (name == null || !HttpSyntax.isToken(name) || value == null) {
                    throw new IllegalArgumentException("auth-param names must be tokens and values non-null");
                }
                copy.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
            });
            params = Collections.unmodifiableMap(copy);
        }

        /**
         * A challenge with auth-params.
         *
         * @param scheme the auth-scheme, an RFC 9110 token
         * @param params auth-params, or {@code null} for none
         * @return the challenge
         * @throws IllegalArgumentException when the scheme or a parameter name is not a token, or a value is
         *                                  {@code null}
         */
        public static Challenge of(String scheme, Map<String, String> params) {
            return new Challenge(scheme, params, null);
        }

        /**
         * Whether this challenge uses {@code name} as its scheme, compared case-insensitively.
         *
         * @param name an auth-scheme such as {@code DPoP}; {@code null} never matches
         * @return whether the schemes are equal ignoring case
         */
        public boolean isScheme(String name) {
            return scheme.equalsIgnoreCase(name);
        }

        /**
         * One auth-param, the name compared case-insensitively.
         *
         * @param name the parameter name; not {@code null}
         * @return its value (unquoted), or empty when absent
         */
        public Optional<String> param(String name) {
            return Optional.ofNullable(params.get(name.toLowerCase(Locale.ROOT)));
        }

        /**
         * The RFC 6750 section 3.1 {@code error} code, for example {@code invalid_token}.
         *
         * @return the {@code error} parameter, or empty
         */
        public Optional<String> error() {
            return param("error");
        }

        /**
         * The RFC 6750 section 3 {@code error_description}.
         *
         * @return the {@code error_description} parameter (server text, may echo secrets), or empty
         */
        public Optional<String> errorDescription() {
            return param("error_description");
        }

        /**
         * The RFC 9728 section 5.1 {@code resource_metadata} URL.
         *
         * @return the URL of the protected resource metadata as sent (not validated), or empty
         */
        public Optional<String> resourceMetadata() {
            return param("resource_metadata");
        }

        /**
         * The RFC 6750 section 3 {@code scope}, split on spaces, without blanks or duplicates.
         *
         * @return the scopes in the order sent; empty when there is no {@code scope} parameter
         */
        public List<String> scopes() {
            String scope = params.get("scope");
            if (scope == null) {
                return List.of();
            }
            LinkedHashSet<String> scopes = new LinkedHashSet<>();
            int start = 0;
            for (int i = 0; i <= scope.length(); i++) {
                if (i == scope.length() || scope.charAt(i) == ' ') {
                    if (i > start) {
                        scopes.add(scope.substring(start, i));
                    }
                    start = i + 1;
                }
            }
            return List.copyOf(scopes);
        }

        /** Scheme, parameters and token68, with every known secret masked (a server may echo one). */
        @Override
        public String toString() {
            return Redaction.redact("Challenge[scheme=" + scheme + ", params=" + params + ", token68=" + token68 + "]");
        }

        /**
         * This challenge as header text; values are always quoted.
         *
         * @return for example {@code Bearer error="invalid_token"}, or the scheme and token68
         */
        public String toHeaderValue() {
            if (token68 != null) {
                return scheme + ' ' + token68;
            }
            StringJoiner joined = new StringJoiner(", ", params.isEmpty() ? scheme : scheme + ' ', "");
            params.forEach((name, value) -> joined.add(name + '=' + HttpSyntax.quote(value)));
            return joined.toString();
        }
    }
}
