package dev.reactivemcp.errors.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry of exact secrets: masking, weak entries, the size bound (issue 9, item 7). */
class SecretIndexTest {

    @Test
    void masksEveryOccurrenceOfEveryKnownSecretAndNothingElse() {
        SecretIndex index = new SecretIndex(100);
        String access = new String("at-0123456789abcdef");
        String refresh = new String("rt-fedcba9876543210");
        index.remember(access);
        index.remember(refresh);

        assertThat(index.mask("token " + access + " and " + refresh + "," + access + "!"))
            .isEqualTo("token [REDACTED] and [REDACTED],[REDACTED]!");
        assertThat(index.mask("a prefix, at-0123456789, is no secret")).isEqualTo("a prefix, at-0123456789, is no secret");
    }

    @Test
    void aSecretCutOffByAPreviewIsMaskedWhenEightCharactersRemain() {
        SecretIndex index = new SecretIndex(100);
        String secret = new String("0123456789abcdefghij");
        index.remember(secret);

        assertThat(index.mask("echo: 0123456789ab")).isEqualTo("echo: [REDACTED]");
        assertThat(index.mask("echo: 01234567")).isEqualTo("echo: [REDACTED]");
    }

    @Test
    void theLongestOfSecretsSharingAPrefixIsMasked() {
        SecretIndex index = new SecretIndex(100);
        String shorter = new String("prefix-12345");
        String longer = new String("prefix-12345-and-more");
        index.remember(shorter);
        index.remember(longer);

        assertThat(index.mask("[prefix-12345-and-more]")).isEqualTo("[[REDACTED]]");
    }

    @Test
    void stringsShorterThanEightCharactersAreNotRemembered() {
        SecretIndex index = new SecretIndex(100);
        index.remember("short");
        index.remember(null);

        assertThat(index.size()).isZero();
        assertThat(index.mask("a short text")).isEqualTo("a short text");
    }

    @Test
    void rememberingTheSameStringAgainAddsNothing() {
        SecretIndex index = new SecretIndex(100);
        String secret = new String("same-secret-value");
        for (int i = 0; i < 1000; i++) {
            index.remember(secret);
        }

        assertThat(index.size()).isEqualTo(1);
    }

    @Test
    void aSecretNoLongerHeldAnywhereIsForgotten() throws InterruptedException {
        SecretIndex index = new SecretIndex(100);
        String kept = new String("kept-secret-value");
        index.remember(kept);
        index.remember(new String("dropped-secret-value"));

        for (int i = 0; i < 50 && index.size() > 1; i++) {
            System.gc();
            Thread.sleep(10);   // lets the reference handler enqueue; no timing is asserted
            index.mask("poll the queue: dropped-secret-value");
        }

        assertThat(index.size()).isEqualTo(1);
        assertThat(index.mask(kept)).isEqualTo(SecretIndex.MASK);
    }

    @Test
    void moreLiveSecretsThanTheCapacityEvictTheOldestAndStayBounded() {
        SecretIndex index = new SecretIndex(1000);
        List<String> held = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String secret = "secret-" + i + "-" + Integer.toHexString(i * 7919);
            held.add(secret);
            index.remember(secret);
        }

        assertThat(index.size()).isLessThanOrEqualTo(1000);
        assertThat(index.mask(held.get(held.size() - 1))).isEqualTo(SecretIndex.MASK);
        assertThat(index.mask(held.get(0))).isEqualTo(held.get(0));
    }

    @Test
    void manyUsersJwtsSharingOneHeaderAreFoundWholeAndCut() {
        SecretIndex index = new SecretIndex(1 << 16);
        String header = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.";
        List<String> held = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 50_000; i++) {
            String jwt = header + "eyJzdWIiOiJ1c2VyLTEyMzQ1In0" + i + "." + Long.toHexString(i * 0x9E3779B97F4A7C15L);
            held.add(jwt);
            index.remember(jwt);
        }
        long added = System.nanoTime();
        String whole = "x".repeat(4000) + held.get(12_345) + "y".repeat(4000);
        String cut = "echo " + held.get(777).substring(0, 50);

        assertThat(index.mask(whole)).isEqualTo("x".repeat(4000) + SecretIndex.MASK + "y".repeat(4000));
        assertThat(index.mask(cut)).isEqualTo("echo " + SecretIndex.MASK);
        assertThat(index.mask("x".repeat(8000))).isEqualTo("x".repeat(8000));
        System.out.printf("SecretIndexTest: 50000 JWTs with one header remembered in %d ms; masks checked in %d ms%n",
            (added - start) / 1_000_000, (System.nanoTime() - added) / 1_000_000);
    }
}
