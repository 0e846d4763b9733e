package dev.reactivemcp.transport;

import java.util.Objects;

/**
 * A skill whose {@code SKILL.md} was read and verified against its entry: size, digest and frontmatter (SEP-2640
 * "Integrity and verification"). Only {@link McpSkills#load(Skill)} creates one, so holding it proves the check
 * passed; its supporting files are read with {@link McpSkills#read(LoadedSkill, String)}, each verified on read. A
 * skill that failed to load has no {@code LoadedSkill}, and so no way to read anything further from it.
 *
 * <pre>{@code
 * skills.load(skill).map(loaded -> loaded.skillMd().text()).subscribe(System.out::println);
 * }</pre>
 */
public final class LoadedSkill {

    private final Skill skill;
    private final SkillFile skillMd;

    LoadedSkill(Skill skill, SkillFile skillMd) {
        this.skill = Objects.requireNonNull(skill, "skill");
        this.skillMd = Objects.requireNonNull(skillMd, "skillMd");
    }

    /** The entry the skill was verified against (the approval binds to it). */
    public Skill skill() {
        return skill;
    }

    /** The verified {@code SKILL.md}. */
    public SkillFile skillMd() {
        return skillMd;
    }

    @Override
    public String toString() {
        return "LoadedSkill[" + skill.uri() + "]";
    }
}
