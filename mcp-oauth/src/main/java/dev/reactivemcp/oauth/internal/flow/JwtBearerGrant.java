package dev.reactivemcp.oauth.internal.flow;

import dev.reactivemcp.errors.KnownSecrets;
import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/**
 * The JWT-bearer grant for workload identity (RFC 7523 section 2.1, SEP-1933): {@code assertion} is a JWT from the
 * platform, fetched from its source for every request; the client is public ({@code client_id} in the body). An
 * assertion the token endpoint rejected is never presented again: the source must yield a new one first.
 */
final class JwtBearerGrant extends ServiceGrant {

    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private final Mono<String> assertions;
    private final AtomicReference<String> rejected = new AtomicReference<>();

    JwtBearerGrant(String clientId, Mono<String> assertions, Set<String> defaultScopes, Flow flow) {
        super(clientId, defaultScopes, flow);
        this.assertions = assertions;
    }

    @Override
    Mono<Form> grantForm(String issuer, String resource) {
        return assertions.switchIfEmpty(Mono.error(() -> FlowErrors.protocol("the workload assertion source is empty")))
                .flatMap(assertion -> {
                    KnownSecrets.remember(assertion);
                    if (assertion.equals(rejected.get())) {
                        return Mono.error(new McpException(new McpFailure.AuthenticationRequired(List.of(), true),
                                "the workload assertion was rejected before; waiting for a new one from its source",
                                null));
                    }
                    return Mono.just(new Form().add("grant_type", GRANT_TYPE).add("assertion", assertion));
                });
    }

    /** The token endpoint answered {@code form} with an error: its assertion is spent. */
    @Override
    void rejected(Form form, Throwable error) {
        McpFailure failure = error instanceof McpException m ? m.failure() : null;
        if (failure instanceof McpFailure.RequestRejected
                || failure instanceof McpFailure.TokenRefreshFailed f && f.terminal()) {
            rejected.set(form.first("assertion"));
        }
    }

    @Override
    String grantType() {
        return JwtBearerGrant.GRANT_TYPE;
    }

    @Override
    String authMethod() {
        return "none";
    }

    @Override
    public String toString() {
        return "jwt-bearer";
    }
}
