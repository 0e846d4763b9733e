package dev.reactivemcp.errors;

/** A tiny deterministic generator for property tests (SplitMix64); the seed is printed on failure by the caller. */
final class SeededRandom {

    private long state;

    SeededRandom(long seed) {
        this.state = seed;
    }

    long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, bound). */
    int nextInt(int bound) {
        return (int) Long.remainderUnsigned(nextLong(), bound);
    }

    boolean chance(int percent) {
        return nextInt(100) < percent;
    }

    char pick(String alphabet) {
        return alphabet.charAt(nextInt(alphabet.length()));
    }

    String string(String alphabet, int minLength, int maxLength) {
        int length = minLength + nextInt(maxLength - minLength + 1);
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(pick(alphabet));
        }
        return out.toString();
    }
}
