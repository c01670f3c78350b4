package berth.cli.format;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TableWriterTest {
    @Test
    void columnsArePaddedByThreeWithAMinimumOfTen() {
        String out = TableWriter.align("CONTAINER ID\tIMAGE\tNAMES\nabc\tbusybox\tweb\n");
        assertEquals("""
                CONTAINER ID   IMAGE     NAMES
                abc            busybox   web
                """, out);
    }

    @Test
    void emptyColumnsKeepTheMinimumWidth() {
        assertEquals("A         B\n1         2\n", TableWriter.align("A\t\tB\n1\t\t2\n").replace("          ", ""));
        assertEquals("PORTS     NAMES\n          x\n", TableWriter.align("PORTS\tNAMES\n\tx\n"));
    }

    @Test
    void widthCountsCharactersNotBytes() {
        assertEquals("\"sh -c …\"   x\nA           y\n", TableWriter.align("\"sh -c …\"\tx\nA\ty\n"));
    }
}
