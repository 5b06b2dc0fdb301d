package io.rampart.server.lab;

import io.rampart.lab.scenario.Scenario;
import io.rampart.lab.scenario.ScenarioLoader;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "list", description = "Lists the built-in scenarios, one line each.")
final class LabListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> names = ScenarioLoader.builtInNames();
        int width = names.stream().mapToInt(String::length).max().orElse(10);
        for (String name : names) {
            Scenario s = ScenarioLoader.load(name);
            out.printf("%-" + width + "s  %3.0fs  %s%n", name, s.duration().toMillis() / 1000.0, s.summary());
        }
        out.println();
        out.println("Run one with: rampart lab run NAME [--targets none,nginx,haproxy,rampart] [--duration 40s] [--out results/]");
        return 0;
    }
}
