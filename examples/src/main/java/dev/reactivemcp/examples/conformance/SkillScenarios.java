package dev.reactivemcp.examples.conformance;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.McpSkills;
import dev.reactivemcp.transport.Skill;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The skills extension scenarios (SEP-2640): {@code sep-2640-client-no-prefetch} lists skills and reads nothing;
 * {@code sep-2640-client-verify-*} load every listed skill and read its supporting files, as a host acting on the
 * skills would. A skill that fails verification is refused (reported on stderr) and nothing further is read from it.
 */
final class SkillScenarios {

    private SkillScenarios() { }

    static Mono<Void> run(String scenario, McpClient client) {
        McpSkills skills = McpSkills.of(client);
        if (scenario.equals("sep-2640-client-no-prefetch")) {
            return skills.skills().then();
        }
        return skills.skills().concatMap(skill -> useSkill(skills, skill)).then();
    }

    private static Mono<Void> useSkill(McpSkills skills, Skill skill) {
        return skills.load(skill)
                .flatMapMany(loaded -> Flux.fromIterable(skill.files())
                        .filter(f -> !f.uri().equals(skill.uri()))
                        .concatMap(f -> skills.read(loaded, f.uri())))
                .then()
                .onErrorResume(McpFailures.is(McpFailure.SkillVerificationFailed.class), e -> {
                    System.err.println("skill " + skill.uri() + " refused: " + McpFailures.classify(e).describe());
                    return Mono.empty();
                });
    }
}
