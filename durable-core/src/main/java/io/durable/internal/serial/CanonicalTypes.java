package io.durable.internal.serial;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses canonical type strings ({@code java.util.ArrayList<com.acme.Item>}) back into Jackson types
 * through the given factory, so that type modifiers registered by modules (such as the one that
 * makes {@code Optional} a reference type) apply. Jackson's own {@code constructFromCanonical}
 * skips them.
 */
final class CanonicalTypes {
    private final TypeFactory factory;

    CanonicalTypes(TypeFactory factory) {
        this.factory = factory;
    }

    JavaType parse(String canonical) {
        Cursor cursor = new Cursor(canonical);
        JavaType type = parse(cursor);
        if (cursor.position != canonical.length()) {
            throw new IllegalArgumentException("unexpected text at " + cursor.position + " in type '" + canonical + "'");
        }
        return type;
    }

    private JavaType parse(Cursor cursor) {
        String className = cursor.name();
        Class<?> raw;
        try {
            raw = factory.findClass(className);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("recorded class " + className + " is not on the classpath", e);
        }
        if (!cursor.consume('<')) {
            return factory.constructType(raw);
        }
        List<JavaType> parameters = new ArrayList<>();
        do {
            parameters.add(parse(cursor));
        } while (cursor.consume(','));
        if (!cursor.consume('>')) {
            throw new IllegalArgumentException("missing '>' in type '" + cursor.text + "'");
        }
        return factory.constructParametricType(raw, parameters.toArray(new JavaType[0]));
    }

    private static final class Cursor {
        final String text;
        int position;

        Cursor(String text) {
            this.text = text;
        }

        String name() {
            skipSpaces();
            int start = position;
            while (position < text.length() && "<>,".indexOf(text.charAt(position)) < 0) {
                position++;
            }
            String name = text.substring(start, position).trim();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("missing class name at " + start + " in type '" + text + "'");
            }
            return name;
        }

        boolean consume(char c) {
            skipSpaces();
            if (position < text.length() && text.charAt(position) == c) {
                position++;
                return true;
            }
            return false;
        }

        private void skipSpaces() {
            while (position < text.length() && text.charAt(position) == ' ') {
                position++;
            }
        }
    }
}
