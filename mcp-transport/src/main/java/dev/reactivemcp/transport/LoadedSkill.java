package dev.reactivemcp.transport;

import dev.reactivemcp.errors.McpFailure.SkillVerificationFailed;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A skill whose {@code SKILL.md} was read and verified against its entry: size, digest and frontmatter (SEP-2640
 * "Integrity and verification"). Only {@link McpSkills#load(Skill)} creates one, so holding it proves the check
 * passed; its supporting files are read with {@link McpSkills#read(LoadedSkill, String)}, each verified on read. A
 * skill that failed to load has no {@code LoadedSkill}, and so no way to read anything further from it; once a
 * supporting file fails verification the skill is {@linkplain #isRefused() refused} and every further read fails
 * without a request. Thread-safe.
 *
 * <pre>{@code
 * skills.load(skill).map(loaded -> loaded.skillMd().text()).subscribe(System.out::println);
 * }</pre>
 */
public final class LoadedSkill {

    private final Skill skill;
    private final SkillFile skillMd;
    private final AtomicReference<SkillVerificationFailed> refusal = new AtomicReference<>();

    LoadedSkill(Skill skill, SkillFile skillMd) {
        this.skill = Objects.requireNonNull(skill, "skill");
        this.skillMd = Objects.requireNonNull(skillMd, "skillMd");
    }

    /**
     * The entry the skill was verified against (the approval binds to it).
     *
     * @return the entry given to {@link McpSkills#load(Skill)}
     */
    public Skill skill() {
        return skill;
    }

    /**
     * The verified {@code SKILL.md}.
     *
     * @return its content, which matched the entry's size, digest and frontmatter
     */
    public SkillFile skillMd() {
        return skillMd;
    }

    /**
     * Whether a file of this skill failed verification, after which nothing more is read from it.
     *
     * @return {@code true} once any read of its files failed verification; then it stays {@code true}
     */
    public boolean isRefused() {
        return refusal.get() != null;
    }

    /** The first verification failure of one of its files, or null. */
    SkillVerificationFailed refusal() {
        return refusal.get();
    }

    void refuse(SkillVerificationFailed failure) {
        refusal.compareAndSet(null, failure);
    }

    @Override
    public String toString() {
        return "LoadedSkill[" + skill.uri() + "]";
    }
}
