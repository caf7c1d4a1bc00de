package dev.tether.maven;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON object whose values are strings and numbers only (RFC 8259), as each line of the agent's
 * report is: enough to read the report without a JSON library on the plugin's class path, and strict
 * enough that a line the agent did not write is refused rather than half read.
 */
final class FlatJson {
    private final String text;
    private int at;

    private FlatJson(String text) {
        this.text = text;
    }

    /** @return the members, numbers as their text; null if {@code line} is not such an object */
    static Map<String, String> parse(String line) {
        try {
            return new FlatJson(line).object();
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    private Map<String, String> object() {
        Map<String, String> members = new LinkedHashMap<>();
        expect('{');
        if (peek() == '}') {
            at++;
        } else {
            do {
                String name = string();
                expect(':');
                members.put(name, peek() == '"' ? string() : number());
            } while (accept(','));
            expect('}');
        }
        space();
        if (at != text.length()) {
            throw new IllegalArgumentException("text after the object");
        }
        return members;
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        for (char c; (c = text.charAt(at++)) != '"';) {
            if (c < 0x20) {
                throw new IllegalArgumentException("a control character in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = text.charAt(at++);
            switch (e) {
                case '"': case '\\': case '/':
                    out.append(e);
                    break;
                case 'b': out.append('\b'); break;
                case 'f': out.append('\f'); break;
                case 'n': out.append('\n'); break;
                case 'r': out.append('\r'); break;
                case 't': out.append('\t'); break;
                case 'u':
                    out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                    break;
                default:
                    throw new IllegalArgumentException("a bad escape");
            }
        }
        return out.toString();
    }

    private String number() {
        int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        String number = text.substring(start, at);
        Double.parseDouble(number); // NumberFormatException is an IllegalArgumentException
        space();
        return number;
    }

    private void expect(char c) {
        space();
        if (text.charAt(at++) != c) {
            throw new IllegalArgumentException("expected " + c);
        }
        space();
    }

    private boolean accept(char c) {
        space();
        if (at < text.length() && text.charAt(at) == c) {
            at++;
            space();
            return true;
        }
        return false;
    }

    private char peek() {
        space();
        return text.charAt(at);
    }

    private void space() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }
}
