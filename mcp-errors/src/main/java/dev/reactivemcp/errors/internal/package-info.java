/** Implementation details of {@code dev.reactivemcp.errors}: not API, may change in any release. */
package dev.reactivemcp.errors.internal;
