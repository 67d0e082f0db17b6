"""Network files (`.rnn.json`): plain records, versions and migrations, atomic saves. No Qt.

    save(net, path)     # atomic: a crash mid-save leaves the old file whole
    load(path)          # raises FileFormatError naming the file and the place at fault
    dumps(net) / loads(text, source="<string>")
    to_record(net) / from_record(record)
"""

from .errors import FileFormatError
from .migrations import FORMAT, MIGRATIONS, VERSION
from .netfile import dumps, load, loads, save
from .records import from_record, to_record

__all__ = ["save", "load", "dumps", "loads", "to_record", "from_record", "FileFormatError",
           "FORMAT", "VERSION", "MIGRATIONS"]
