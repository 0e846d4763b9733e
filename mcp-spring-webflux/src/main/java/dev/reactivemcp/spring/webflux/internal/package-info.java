/** Implementation of the Spring WebFlux integration; not API. */
package dev.reactivemcp.spring.webflux.internal;
