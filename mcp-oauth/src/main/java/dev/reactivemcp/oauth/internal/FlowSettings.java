package dev.reactivemcp.oauth.internal;

import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.IdentityProviderProfile;
import dev.reactivemcp.oauth.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * Everything the login flow needs, built by the public {@code McpOAuth} entry point.
 *
 * @param store                  where registrations and tokens go
 * @param codeSource             the user-agent step
 * @param preRegistered          a pre-registered client (its issuer binds it), or null
 * @param clientMetadataDocument a Client ID Metadata Document URL to use as client id where supported, or null
 * @param clientName             the client name for registration
 * @param applicationType        {@code native} or {@code web} (DCR, SEP-837)
 * @param defaultScopes          scopes to request when neither challenge nor metadata names any (usually empty)
 * @param clock                  the clock for expiries
 * @param httpClient             the HTTP client for discovery, registration and token requests
 * @param requestTimeout         the timeout of each of those requests
 * @param maxBodyBytes           the largest metadata/token response accepted
 * @param timer                  the scheduler request timeouts are measured on (virtual time in tests)
 * @param profiles               identity provider profiles configured by the user, tried before the built-in ones
 */
public record FlowSettings(TokenStore store, AuthorizationCodeSource codeSource, ClientRegistration preRegistered,
                           String clientMetadataDocument, String clientName, String applicationType,
                           Set<String> defaultScopes, Clock clock, HttpClient httpClient, Duration requestTimeout,
                           int maxBodyBytes, Scheduler timer, List<IdentityProviderProfile> profiles) {

    /** Copies the profiles. */
    public FlowSettings {
        profiles = profiles == null ? List.of() : List.copyOf(profiles);
    }

    /** Settings without configured profiles (the built-in ones still apply). */
    public FlowSettings(TokenStore store, AuthorizationCodeSource codeSource, ClientRegistration preRegistered,
                        String clientMetadataDocument, String clientName, String applicationType,
                        Set<String> defaultScopes, Clock clock, HttpClient httpClient, Duration requestTimeout,
                        int maxBodyBytes, Scheduler timer) {
        this(store, codeSource, preRegistered, clientMetadataDocument, clientName, applicationType, defaultScopes,
                clock, httpClient, requestTimeout, maxBodyBytes, timer, List.of());
    }

    /** Settings whose timeouts run on {@link Schedulers#parallel()}. */
    public FlowSettings(TokenStore store, AuthorizationCodeSource codeSource, ClientRegistration preRegistered,
                        String clientMetadataDocument, String clientName, String applicationType,
                        Set<String> defaultScopes, Clock clock, HttpClient httpClient, Duration requestTimeout,
                        int maxBodyBytes) {
        this(store, codeSource, preRegistered, clientMetadataDocument, clientName, applicationType, defaultScopes,
                clock, httpClient, requestTimeout, maxBodyBytes, Schedulers.parallel());
    }
}
