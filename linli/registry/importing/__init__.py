"""Excel import of residents, households and organisations (data-centre issue, item 9).

* ``columns``: the templates' columns (Chinese headers), accepted values, the template workbooks;
* ``reader``: refusing unsafe or unusable files before parsing, streaming the rows;
* ``validators``: checking every row (formats, checksums, duplicates, places and rights), in batches;
* ``committer``: bulk writes, exactly what the services would store;
* ``services``: the job's life — upload, background check, commit all-or-nothing, discard, error file;
* ``messages``: every problem by code, translated when shown.
"""
