package io.rampart.server.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import io.rampart.server.Main;
import picocli.CommandLine;

/**
 * Every command and flag the README and the guides in {@code docs/} show (the gateway's and the
 * lab's: this module's command line has both) (in code: backticks or
 * fenced blocks) exists: the command chain resolves in the real command line, and each
 * {@code --flag} after it is an option of that command. The benchmark record, the changelog and
 * the decision records are history and are not checked.
 */
class DocumentedCommandsTest {
    private static final Pattern INVOCATION = Pattern.compile("(?:bin/)?rampart((?: [a-z][a-z-]*)+)([^`\\n]*)");
    private static final Pattern FLAG = Pattern.compile("(?<![\\w-])(--[a-z][a-z-]*)");

    @Test
    void everyDocumentedCommandAndFlag_exists() throws Exception {
        List<Path> guides = new ArrayList<>(List.of(Path.of("..", "README.md")));
        try (Stream<Path> docs = Files.list(Path.of("..", "docs"))) {
            docs.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> !p.getFileName().toString().equals("BENCHMARKS.md"))
                    .forEach(guides::add);
        }
        CommandLine root = Main.commandLine(); // with the lab's commands: this module's jar has them all
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Path guide : guides) {
            for (String code : codeIn(Files.readString(guide))) {
                Matcher m = INVOCATION.matcher(code);
                while (m.find()) {
                    String[] words = m.group(1).trim().split(" ");
                    CommandLine cmd = root;
                    int used = 0;
                    while (used < words.length && cmd.getSubcommands().containsKey(words[used])) {
                        cmd = cmd.getSubcommands().get(words[used++]);
                    }
                    if (used == 0) {
                        wrong.add(guide.getFileName() + ": no command '" + words[0] + "' in `" + m.group().trim() + "`");
                        continue;
                    }
                    checked++;
                    Matcher f = FLAG.matcher(m.group(2));
                    while (f.find()) {
                        if (cmd.getCommandSpec().findOption(f.group(1)) == null) {
                            wrong.add(guide.getFileName() + ": '" + cmd.getCommandSpec().qualifiedName() + "' has no option " + f.group(1)
                                    + " in `" + m.group().trim() + "`");
                        }
                    }
                }
            }
        }
        assertThat(checked).as("documented invocations found").isGreaterThan(20);
        assertThat(wrong).isEmpty();
    }

    /** The code in a Markdown text: fenced blocks and inline spans. */
    private static List<String> codeIn(String markdown) {
        List<String> out = new ArrayList<>();
        Matcher fenced = Pattern.compile("(?s)```[a-z]*\\n(.*?)```").matcher(markdown);
        StringBuilder rest = new StringBuilder();
        int last = 0;
        while (fenced.find()) {
            for (String line : fenced.group(1).split("\n")) {
                out.add(line.replaceAll("#.*$", "")); // a shell comment is prose
            }
            rest.append(markdown, last, fenced.start());
            last = fenced.end();
        }
        rest.append(markdown.substring(last));
        Matcher inline = Pattern.compile("`([^`\\n]+)`").matcher(rest);
        while (inline.find()) {
            out.add(inline.group(1));
        }
        return out;
    }
}
