package io.durable.examples.quickstart;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** The README's quickstart is the compiled, tested Quickstart.java, character for character. */
class QuickstartReadmeTest {
    // Surefire runs with the module directory as working directory.
    private static final Path README = Paths.get("..", "README.md");
    private static final Path QUICKSTART = Paths.get("src", "main", "java", "io", "durable", "examples", "quickstart",
            "Quickstart.java");
    private static final String HEADING = "## Quickstart";

    @Test
    void readmeQuickstartIsQuickstartJava() throws IOException {
        if (!Files.isRegularFile(README)) {
            fail("README.md not found at " + README.toAbsolutePath().normalize() + ": the repository README must have a '"
                    + HEADING + "' section whose first ```java block is " + QUICKSTART);
        }
        String block = firstJavaBlockAfter(Files.readString(README), HEADING);
        String source = normalize(Files.readString(QUICKSTART));
        assertEquals(source, block, () -> "the first ```java block after '" + HEADING + "' in README.md differs from "
                + QUICKSTART + " (" + firstDifference(source, block) + "); copy the file into the README verbatim");
    }

    @Test
    void findsTheFirstJavaBlockAfterTheHeading() {
        String markdown = "# durable\n```java\nnot this\n```\n## Quickstart\nSome text.\n\n```xml\n<x/>\n```\n"
                + "```java\nclass A {\n}\n```\n```java\nnor this\n```\n";
        assertEquals("class A {\n}\n", firstJavaBlockAfter(markdown, HEADING));
    }

    /**
     * @return the lines between the first {@code ```java} fence after the heading line and its
     *         closing fence, each ending with a newline
     */
    static String firstJavaBlockAfter(String markdown, String heading) {
        List<String> lines = normalize(markdown).lines().toList();
        int at = lines.indexOf(lines.stream().filter(l -> l.strip().equals(heading)).findFirst()
                .orElseGet(() -> fail("README.md has no line '" + heading + "'")));
        int open = at + 1;
        while (open < lines.size() && !lines.get(open).strip().equals("```java")) {
            open++;
        }
        if (open == lines.size()) {
            fail("README.md has no ```java block after '" + heading + "'");
        }
        StringBuilder block = new StringBuilder();
        for (int i = open + 1; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("```")) {
                return block.toString();
            }
            block.append(lines.get(i)).append('\n');
        }
        return fail("the ```java block after '" + heading + "' in README.md is never closed");
    }

    private static String normalize(String text) {
        return text.replace("\r\n", "\n");
    }

    private static String firstDifference(String expected, String actual) {
        List<String> e = expected.lines().toList();
        List<String> a = actual.lines().toList();
        for (int i = 0; i < Math.max(e.size(), a.size()); i++) {
            String want = i < e.size() ? e.get(i) : "<end of file>";
            String got = i < a.size() ? a.get(i) : "<end of block>";
            if (!want.equals(got)) {
                return "first difference at line " + (i + 1) + ": expected '" + want + "' but the README has '" + got + "'";
            }
        }
        return "they differ only in trailing newlines";
    }
}
