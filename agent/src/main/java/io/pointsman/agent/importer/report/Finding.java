package io.pointsman.agent.importer.report;

/**
 * One line of the import report: {@code haproxy.cfg:12: option httpclose: why}.
 *
 * @param file    the input file as named on the command line's report
 * @param line    1-based line (0 = the file as a whole)
 * @param keyword the keyword, e.g. {@code option httpchk}
 */
public record Finding(String file, int line, String keyword, Kind kind, String message) implements Comparable<Finding> {

    public enum Kind {
        /** HAProxy (or Keepalived) refuses the file for it: nothing is written. */
        ERROR("error"),
        /** Left out of the import. */
        NOT_TRANSLATED("not translated"),
        /** Left out because Pointsman has no need of it. */
        NOT_NEEDED("not needed"),
        /** HAProxy ignores it too. */
        IGNORED("ignored, as HAProxy does"),
        /** Translated, with something worth knowing. */
        NOTE("note");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** {@code haproxy.cfg:12: option httpclose: why} */
    @Override
    public String toString() {
        String where = line > 0 ? file + ":" + line : file;
        return keyword == null || keyword.isEmpty() ? where + ": " + message : where + ": " + keyword + ": " + message;
    }

    @Override
    public int compareTo(Finding o) {
        int c = file.compareTo(o.file);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(line, o.line);
        return c != 0 ? c : message.compareTo(o.message);
    }
}
