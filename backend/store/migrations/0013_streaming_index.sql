-- At every start, answers left 'streaming' by a crash are marked
-- 'interrupted' (MarkInterrupted) before the window opens. Without an
-- index that UPDATE read every message: 28 ms for 100k messages, a fifth
-- of the window's start-up budget. This partial index holds only the rows
-- being streamed (none, or one per running answer), so the start reads
-- nothing and writes while streaming cost nothing extra.
CREATE INDEX messages_streaming ON messages(status) WHERE status = 'streaming';
