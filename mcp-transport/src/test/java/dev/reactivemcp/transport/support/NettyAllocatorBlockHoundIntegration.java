package dev.reactivemcp.transport.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Netty 4.2's adaptive allocator takes a short {@code StampedLock} when several event loops grow their magazines at
 * once (seen under the notification flood test on four connections); Netty's own BlockHound integration allows the
 * equivalent locks of its pooled allocator ({@code PoolArena.lock}) but not this one yet. An allocator lock, not I/O.
 */
public final class NettyAllocatorBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
    }
}
