package dev.reactivemcp.errors.internal;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The exact secrets the client knows, for masking in error text. Entries are weakly held: a secret is known as
 * long as something in the process still holds that string (the stored credentials, a pending authorization),
 * and is dropped once it is collected. At most {@code capacity} entries; past that the oldest are dropped.
 *
 * <p>Index: secrets are bucketed by a hash of their first {@link #MIN_LENGTH} characters; {@link #mask} rolls that
 * hash over the text (Rabin-Karp) and compares only the candidates of a matching bucket, so a check is linear in
 * the text, whatever the number of secrets. A secret the text ends in the middle of (a cut preview) is masked
 * too, when at least {@link #MIN_LENGTH} of its characters are present. Thread-safe, lock-free reads. Not API.
 */
public final class SecretIndex {

    /** Shorter strings are not remembered: masking them would mangle ordinary text. */
    public static final int MIN_LENGTH = 8;
    /** What a masked secret is replaced with. */
    public static final String MASK = Redaction.MASK;

    /** The process-wide index. */
    public static final SecretIndex GLOBAL = new SecretIndex(1 << 16);

    private static final int BASE = 31;
    private static final int TOP = pow(BASE, MIN_LENGTH - 1);
    private static final int MAX_PER_VALUE = 2;

    private final int capacity;
    private final ConcurrentHashMap<Integer, Entry[]> buckets = new ConcurrentHashMap<>();
    private final ReferenceQueue<String> collected = new ReferenceQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong();

    public SecretIndex(int capacity) {
        this.capacity = capacity;
    }

    /** Remembers {@code secret} (weakly); {@code null} and strings shorter than {@link #MIN_LENGTH} are ignored. */
    public void remember(String secret) {
        if (secret == null || secret.length() < MIN_LENGTH) {
            return;
        }
        expunge();
        int hash = hash(secret, 0);
        boolean[] added = {false};
        buckets.compute(hash, (h, entries) -> withSecret(h, entries, secret, added));
        if (added[0] && size.incrementAndGet() > capacity) {
            evictOldest();
        }
    }

    /** Entries currently held (cleared ones may still count until the next call). */
    public int size() {
        return size.get();
    }

    /** {@code text} with every known secret in it replaced by {@link #MASK}; {@code null} stays {@code null}. */
    public String mask(String text) {
        if (text == null || text.length() < MIN_LENGTH || size.get() == 0) {
            return text;
        }
        expunge();
        StringBuilder out = null;
        int copied = 0;
        int n = text.length();
        int i = 0;
        int hash = hash(text, 0);
        while (true) {
            int matched = longestMatch(text, i, hash);
            if (matched > 0) {
                if (out == null) {
                    out = new StringBuilder(n);
                }
                out.append(text, copied, i).append(MASK);
                i += matched;
                copied = i;
                if (i + MIN_LENGTH > n) {
                    break;
                }
                hash = hash(text, i);
                continue;
            }
            if (i + MIN_LENGTH >= n) {
                break;
            }
            hash = (hash - text.charAt(i) * TOP) * BASE + text.charAt(i + MIN_LENGTH);
            i++;
        }
        return out == null ? text : out.append(text, copied, n).toString();
    }

    /** The length of the longest known secret starting at {@code i} (to the end of text if it is cut), or 0. */
    private int longestMatch(String text, int i, int hash) {
        Entry[] entries = buckets.get(hash);
        if (entries == null) {
            return 0;
        }
        int available = text.length() - i;
        int best = 0;
        for (Entry e : entries) {
            String secret = e.get();
            if (secret == null) {
                continue;
            }
            int length = Math.min(secret.length(), available);
            if (length > best && text.regionMatches(i, secret, 0, length)) {
                best = length;
            }
        }
        return best;
    }

    private Entry[] withSecret(int hash, Entry[] entries, String secret, boolean[] added) {
        List<Entry> kept = new ArrayList<>();
        int sameValue = 0;
        if (entries != null) {
            for (Entry e : entries) {
                String known = e.get();
                if (known == secret) {
                    return entries;
                }
                if (known != null) {
                    kept.add(e);
                    sameValue += known.equals(secret) ? 1 : 0;
                } else {
                    size.decrementAndGet();   // collected, not yet polled: dropped here, so never found again
                }
            }
        }
        if (sameValue >= MAX_PER_VALUE) {
            // Several live copies of one value: keep the newest ones (the oldest is the one most likely dropped).
            for (int k = 0; k < kept.size(); k++) {
                if (secret.equals(kept.get(k).get())) {
                    kept.remove(k);
                    size.decrementAndGet();
                    break;
                }
            }
        }
        kept.add(new Entry(secret, hash, sequence.incrementAndGet(), collected));
        added[0] = true;
        return kept.toArray(new Entry[0]);
    }

    /** Removes entries whose secret was collected. */
    private void expunge() {
        Reference<? extends String> ref;
        while ((ref = collected.poll()) != null) {
            Entry gone = (Entry) ref;
            buckets.computeIfPresent(gone.hash, (h, entries) -> without(entries, gone));
        }
    }

    private Entry[] without(Entry[] entries, Entry gone) {
        int at = -1;
        for (int k = 0; k < entries.length; k++) {
            if (entries[k] == gone) {
                at = k;
                break;
            }
        }
        if (at < 0) {
            return entries;
        }
        size.decrementAndGet();
        if (entries.length == 1) {
            return null;
        }
        Entry[] rest = new Entry[entries.length - 1];
        System.arraycopy(entries, 0, rest, 0, at);
        System.arraycopy(entries, at + 1, rest, at, entries.length - at - 1);
        return rest;
    }

    /** Drops the oldest quarter of the entries (rare: only when more than {@code capacity} secrets are alive). */
    private synchronized void evictOldest() {
        if (size.get() <= capacity) {
            return;
        }
        List<Entry> all = new ArrayList<>();
        buckets.values().forEach(entries -> all.addAll(Arrays.asList(entries)));
        all.sort(Comparator.comparingLong(e -> e.sequence));
        for (Entry e : all.subList(0, Math.min(all.size(), Math.max(1, capacity / 4)))) {
            buckets.computeIfPresent(e.hash, (h, entries) -> without(entries, e));
        }
    }

    private static int hash(String s, int from) {
        int h = 0;
        for (int k = from; k < from + MIN_LENGTH; k++) {
            h = h * BASE + s.charAt(k);
        }
        return h;
    }

    private static int pow(int base, int exponent) {
        int result = 1;
        for (int k = 0; k < exponent; k++) {
            result *= base;
        }
        return result;
    }

    private static final class Entry extends WeakReference<String> {
        final int hash;
        final long sequence;

        Entry(String secret, int hash, long sequence, ReferenceQueue<String> queue) {
            super(secret, queue);
            this.hash = hash;
            this.sequence = sequence;
        }
    }
}
