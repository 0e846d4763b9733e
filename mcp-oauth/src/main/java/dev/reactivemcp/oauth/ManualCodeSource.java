package dev.reactivemcp.oauth;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * {@link AuthorizationCodeSource#manual}: shows the authorization URL, then reads what the user pasted. A pasted
 * redirected URL (or its query) is decoded as is; a bare code is paired with the {@code state} of the
 * authorization URL, since the user carried it by hand (an {@code iss}, if the server requires one, is then
 * missing and the flow refuses: paste the whole URL).
 */
final class ManualCodeSource implements AuthorizationCodeSource {

    static final String DEFAULT_REDIRECT_URI = "http://127.0.0.1/callback";

    private final Consumer<URI> show;
    private final Mono<String> pasted;
    private final String redirectUri;

    ManualCodeSource(Consumer<URI> show, Mono<String> pasted, String redirectUri) {
        this.show = Objects.requireNonNull(show, "show");
        this.pasted = Objects.requireNonNull(pasted, "pasted");
        this.redirectUri = Objects.requireNonNull(redirectUri, "redirectUri");
    }

    @Override
    public Mono<Redirect> authorize(Function<String, Mono<URI>> authorizationUrl) {
        return Mono.defer(() -> authorizationUrl.apply(redirectUri))
                .flatMap(url -> {
                    show.accept(url);
                    return pasted.switchIfEmpty(Mono.error(() -> failure("nothing was pasted")))
                            .map(text -> parse(text, url));
                });
    }

    static Redirect parse(String text, URI authorizationUrl) {
        String t = text.strip();
        try {
            if (t.contains("://")) {
                return Redirect.fromQuery(new URI(t).getRawQuery());
            }
            if (t.contains("=")) {
                return Redirect.fromQuery(t.startsWith("?") ? t.substring(1) : t);
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw failure("the pasted text is not a redirect URL");
        }
        if (t.isEmpty()) {
            throw failure("nothing was pasted");
        }
        String state = Redirect.fromQuery(authorizationUrl.getRawQuery()).state().orElse(null);
        return new Redirect(state == null ? Map.of("code", t) : Map.of("code", t, "state", state));
    }

    private static McpException failure(String detail) {
        McpFailure failure = new McpFailure.ProtocolError(detail);
        return new McpException(failure, failure.describe(), null);
    }

    @Override
    public String toString() {
        return "ManualCodeSource[redirectUri=" + redirectUri + "]";
    }
}
