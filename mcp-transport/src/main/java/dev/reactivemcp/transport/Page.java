package dev.reactivemcp.transport;

import java.util.List;
import java.util.Optional;

/**
 * One page of a paginated list (MCP 2025-11-25, server/utilities/pagination).
 *
 * <pre>{@code
 * client.listTools(null).map(Page::items);
 * }</pre>
 *
 * @param items      the items of this page
 * @param nextCursor the opaque cursor of the next page, or null on the last page
 */
public record Page<T>(List<T> items, String nextCursor) {

    /**
     * Makes the list unmodifiable.
     *
     * @param items      the items of this page (copied); not {@code null}, no {@code null} items
     * @param nextCursor the opaque cursor of the next page, or {@code null} on the last page
     * @throws NullPointerException when {@code items} or an item is {@code null}
     */
    public Page {
        items = List.copyOf(items);
    }

    /**
     * The next cursor, when there is a next page.
     *
     * @return the cursor to pass to the next list call, or empty on the last page
     */
    public Optional<String> next() {
        return Optional.ofNullable(nextCursor);
    }
}
