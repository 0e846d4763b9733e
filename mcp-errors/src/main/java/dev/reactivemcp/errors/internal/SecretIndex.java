package dev.reactivemcp.errors.internal;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The exact secrets the client knows, for masking in error text. Entries are weakly held: a secret is known as
 * long as something in the process still holds that string (the stored credentials, a pending authorization),
 * and is dropped once it is collected. At most {@code capacity} entries; past that the oldest are dropped.
 *
 * <p>Index: secrets are bucketed by a hash of their last {@link #MIN_LENGTH} characters (random even for JWTs, whose
 * first characters are one shared header); {@link #mask} rolls that hash over the text (Rabin-Karp) and compares only
 * a matching bucket's candidates, so a check is one pass over the text whatever the number of secrets. A secret the
 * text ends in the middle of (a cut preview) is found through a second index on the first {@link #MIN_LENGTH}
 * characters, consulted only for the text's last characters, and masked when at least {@link #MIN_LENGTH} of its
 * characters are present. Adding is constant time. Thread-safe, lock-free reads. Not API.
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
    private final ConcurrentHashMap<Integer, Entry[]> byTail = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Set<Entry>> byHead = new ConcurrentHashMap<>();
    private final ReferenceQueue<String> collected = new ReferenceQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicInteger longest = new AtomicInteger();
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
        Entry entry = new Entry(secret, hash(secret, 0), hash(secret, secret.length() - MIN_LENGTH),
            sequence.incrementAndGet(), collected);
        List<Entry> dropped = new ArrayList<>();
        boolean[] added = {false};
        byTail.compute(entry.tail, (h, entries) -> withEntry(entries, entry, dropped, added));
        dropped.forEach(this::unindexHead);
        if (!added[0]) {
            entry.clear();
            return;
        }
        byHead.compute(entry.head, (h, entries) -> {
            Set<Entry> set = entries != null ? entries : ConcurrentHashMap.newKeySet();
            set.add(entry);
            return set;
        });
        longest.accumulateAndGet(secret.length(), Math::max);
        if (size.incrementAndGet() > capacity) {
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
        List<int[]> found = new ArrayList<>();
        fullMatches(text, found);
        cutMatch(text, found);
        return found.isEmpty() ? text : masked(text, found);
    }

    /** Every occurrence of a whole secret, found by its last characters. */
    private void fullMatches(String text, List<int[]> found) {
        int n = text.length();
        int hash = hash(text, 0);
        for (int end = MIN_LENGTH; ; end++) {
            Entry[] entries = byTail.get(hash);
            if (entries != null) {
                for (Entry e : entries) {
                    String secret = e.get();
                    int start = secret == null ? -1 : end - secret.length();
                    if (start >= 0 && text.regionMatches(start, secret, 0, secret.length())) {
                        found.add(new int[] {start, end});
                    }
                }
            }
            if (end == n) {
                return;
            }
            hash = (hash - text.charAt(end - MIN_LENGTH) * TOP) * BASE + text.charAt(end);
        }
    }

    /** The earliest secret the text ends in the middle of, found by its first characters. */
    private void cutMatch(String text, List<int[]> found) {
        int n = text.length();
        for (int i = Math.max(0, n - longest.get() + 1); i + MIN_LENGTH <= n; i++) {
            Set<Entry> entries = byHead.get(hash(text, i));
            if (entries == null) {
                continue;
            }
            int available = n - i;
            for (Entry e : entries) {
                String secret = e.get();
                if (secret != null && secret.length() > available && text.regionMatches(i, secret, 0, available)) {
                    found.add(new int[] {i, n});
                    return;
                }
            }
        }
    }

    private static String masked(String text, List<int[]> found) {
        found.sort(Comparator.comparingInt(span -> span[0]));
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        for (int[] span : found) {
            if (span[1] <= copied) {
                continue;
            }
            if (span[0] >= copied) {
                out.append(text, copied, span[0]).append(MASK);
            }
            copied = span[1];
        }
        return out.append(text, copied, text.length()).toString();
    }

    private Entry[] withEntry(Entry[] entries, Entry entry, List<Entry> dropped, boolean[] added) {
        String secret = entry.get();
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
                    dropped.add(e);   // collected, not yet polled: dropped here, so never found again
                    size.decrementAndGet();
                }
            }
        }
        if (sameValue >= MAX_PER_VALUE) {
            // Several live copies of one value: keep the newest ones (the oldest is the one most likely dropped).
            for (int k = 0; k < kept.size(); k++) {
                if (secret.equals(kept.get(k).get())) {
                    dropped.add(kept.remove(k));
                    size.decrementAndGet();
                    break;
                }
            }
        }
        kept.add(entry);
        added[0] = true;
        return kept.toArray(new Entry[0]);
    }

    /** Removes entries whose secret was collected. */
    private void expunge() {
        Reference<? extends String> ref;
        while ((ref = collected.poll()) != null) {
            remove((Entry) ref);
        }
    }

    private void remove(Entry gone) {
        boolean[] removed = {false};
        byTail.computeIfPresent(gone.tail, (h, entries) -> without(entries, gone, removed));
        if (removed[0]) {
            size.decrementAndGet();
            unindexHead(gone);
        }
    }

    private void unindexHead(Entry gone) {
        byHead.computeIfPresent(gone.head, (h, set) -> {
            set.remove(gone);
            return set.isEmpty() ? null : set;
        });
    }

    private static Entry[] without(Entry[] entries, Entry gone, boolean[] removed) {
        int at = Arrays.asList(entries).indexOf(gone);
        if (at < 0) {
            return entries;
        }
        removed[0] = true;
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
        byTail.values().forEach(entries -> all.addAll(Arrays.asList(entries)));
        all.sort(Comparator.comparingLong(e -> e.sequence));
        for (Entry e : all.subList(0, Math.min(all.size(), Math.max(1, capacity / 4)))) {
            remove(e);
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

    /** Identity equality (WeakReference does not override equals), so sets and lists find this very entry. */
    private static final class Entry extends WeakReference<String> {
        final int head;
        final int tail;
        final long sequence;

        Entry(String secret, int head, int tail, long sequence, ReferenceQueue<String> queue) {
            super(secret, queue);
            this.head = head;
            this.tail = tail;
            this.sequence = sequence;
        }
    }
}
