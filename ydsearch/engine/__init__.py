"""Documents → an index on disk, and the index read back: schema, segmentation,
whoosh segments, the substring index beside them, locks and manifest."""
