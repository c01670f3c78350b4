package berth.cli.format;

import java.util.ArrayList;
import java.util.List;

/**
 * Aligns tab-separated lines as Go's text/tabwriter does with the docker CLI's settings
 * (minwidth 10, padding 3, padchar ' '): each tab-terminated cell is padded to
 * max(widest cell + 3, 10); the last cell of a line is not padded.
 */
public final class TableWriter {
    private static final int MIN_WIDTH = 10;
    private static final int PADDING = 3;

    private TableWriter() {}

    public static String align(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        boolean trailingNewline = text.endsWith("\n");
        if (trailingNewline) {
            lines.removeLast();
        }
        List<String[]> rows = new ArrayList<>();
        int columns = 0;
        for (String line : lines) {
            String[] cells = line.split("\t", -1);
            rows.add(cells);
            columns = Math.max(columns, cells.length - 1);
        }
        int[] widths = new int[columns];
        for (String[] cells : rows) {
            for (int c = 0; c < cells.length - 1; c++) {
                widths[c] = Math.max(widths[c], Math.max(width(cells[c]) + PADDING, MIN_WIDTH));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            String[] cells = rows.get(r);
            for (int c = 0; c < cells.length; c++) {
                sb.append(cells[c]);
                if (c < cells.length - 1) {
                    sb.repeat(' ', widths[c] - width(cells[c]));
                }
            }
            if (r < rows.size() - 1 || trailingNewline) {
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }
}
