-- A user message's attachments get their own table. Until now they were
-- kept in messages.result as {"images":[{"mime":..,"data":..}]}, the
-- column that holds an assistant's run result: one column, two meanings,
-- and every reader had to sniff which. After this migration
-- messages.result only ever holds run results.
--
-- data stays base64 text, as the page sends and the model receives it:
-- SQLite has no base64 decoder, so keeping the encoding lets this move be
-- plain SQL inside the migration transaction (all or nothing).
CREATE TABLE message_attachments (
    message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL, -- order within the message, from 0
    mime       TEXT NOT NULL,
    data       TEXT NOT NULL,    -- base64, no data: prefix
    PRIMARY KEY (message_id, position)
);

INSERT INTO message_attachments(message_id, position, mime, data)
SELECT m.id, CAST(img.key AS INTEGER),
       COALESCE(json_extract(img.value, '$.mime'), ''),
       COALESCE(json_extract(img.value, '$.data'), '')
FROM messages AS m,
     -- a damaged row (not JSON) is read as having no images, not an error
     json_each(CASE WHEN json_valid(m.result) THEN m.result ELSE '{}' END, '$.images') AS img
WHERE m.role = 'user' AND json_valid(m.result) AND json_type(m.result, '$.images') = 'array';

-- Only attachments were ever written to a user message's result.
UPDATE messages SET result = NULL WHERE role = 'user';
