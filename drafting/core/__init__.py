"""What services and selectors both build on: reads of the revision chain, anchors that
follow the text, comment Markdown and article numbering. Nothing here checks permissions
or records audit events; the services above do."""
