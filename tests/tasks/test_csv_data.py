"""CSV time series -> sequences; every error names the file, the row and the column."""

import os

import numpy as np
import pytest

from rnnstudio.tasks import CSVError, csvdata, from_csv, read_csv_table
from tests.hostile import make_fifo, release_fifo, within


def _write(tmp_path, text, name="data.csv", mode="w"):
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def _series(n=10):
    lines = ["t,temp,rain"] + [f"{i},{i * 0.5},{i % 2}" for i in range(n)]
    return "\n".join(lines) + "\n"


def test_windows_shapes_and_values(tmp_path):
    p = _write(tmp_path, _series(10))
    X, Y = from_csv(p, inputs=["t", "temp"], targets=["rain"], window=4, stride=2)
    assert X.shape == (4, 4, 2) and Y.shape == (4, 4, 1)  # starts 0, 2, 4, 6
    np.testing.assert_array_equal(X[:, 1, 0], [2, 3, 4, 5])
    np.testing.assert_array_equal(Y[:, 0, 0], [0, 1, 0, 1])
    assert X.dtype == np.float64


def test_defaults_whole_file_one_sequence_and_inputs_are_the_rest(tmp_path):
    p = _write(tmp_path, _series(6))
    X, Y = from_csv(p, targets=["rain"])
    assert X.shape == (6, 1, 2) and Y.shape == (6, 1, 1)
    X, Y = from_csv(p)
    assert X.shape == (6, 1, 3) and Y.shape == (6, 1, 0)


def test_default_stride_is_the_window(tmp_path):
    X, _ = from_csv(_write(tmp_path, _series(10)), inputs=["t"], window=3)
    np.testing.assert_array_equal(X[0, :, 0], [0, 3, 6])


def test_columns_by_index(tmp_path):
    p = _write(tmp_path, _series(5))
    X, Y = from_csv(p, inputs=[1], targets=[2])
    np.testing.assert_array_equal(X[:, 0, 0], [0, 0.5, 1, 1.5, 2])


def test_empty_target_cells_are_nan(tmp_path):
    p = _write(tmp_path, "a,b\n1,\n2,5\n3,nan\n")
    X, Y = from_csv(p, inputs=["a"], targets=["b"])
    assert np.isnan(Y[0, 0, 0]) and Y[1, 0, 0] == 5 and np.isnan(Y[2, 0, 0])


@pytest.mark.parametrize("delim", [";", "\t", "|"])
def test_delimiter_is_guessed(tmp_path, delim):
    p = _write(tmp_path, f"a{delim}b\n1{delim}2\n3{delim}4\n")
    X, Y = from_csv(p, inputs=["a"], targets=["b"])
    np.testing.assert_array_equal(Y[:, 0, 0], [2, 4])


def test_explicit_delimiter_quotes_bom_and_blank_lines(tmp_path):
    p = _write(tmp_path, '\ufeff"a";"b"\n\n1;2\n\n3;4\n\n')
    X, Y = from_csv(p, inputs=["a"], targets=["b"], delimiter=";")
    np.testing.assert_array_equal(X[:, 0, 0], [1, 3])


def test_non_numeric_cell_names_row_and_column(tmp_path):
    rows = _series(20).splitlines()
    rows[16] = "15,abc,1"  # line 17 of the file (the header is row 1)
    p = _write(tmp_path, "\n".join(rows) + "\n")
    with pytest.raises(CSVError) as info:
        from_csv(p, inputs=["temp"], targets=["rain"])
    assert str(info.value) == "data.csv: row 17, column 'temp': 'abc' is not a number"
    assert info.value.row == 17 and info.value.column == "temp"


def test_empty_input_cell_and_infinite_value(tmp_path):
    p = _write(tmp_path, "a,b\n1,2\n,3\n")
    with pytest.raises(CSVError, match=r"data.csv: row 3, column 'a': the cell is empty"):
        from_csv(p, inputs=["a"], targets=["b"])
    p = _write(tmp_path, "a,b\n1,2\ninf,3\n")
    with pytest.raises(CSVError, match=r"row 3, column 'a': 'inf' is not a finite number"):
        from_csv(p, inputs=["a"], targets=["b"])


def test_wrong_column_count(tmp_path):
    p = _write(tmp_path, "a,b,c\n1,2,3\n4,5\n")
    with pytest.raises(CSVError, match=r"data.csv: row 3 has 2 columns; the header has 3"):
        from_csv(p)
    with pytest.raises(CSVError, match="row 3 has 2 columns"):
        read_csv_table(p)


def test_unknown_column_names(tmp_path):
    p = _write(tmp_path, _series(3))
    with pytest.raises(CSVError, match=r"data.csv: no column 'tmp' \(columns: t, temp, rain\)"):
        from_csv(p, inputs=["tmp"])
    with pytest.raises(CSVError, match="no column 7"):
        from_csv(p, inputs=[7])


def test_too_few_rows_for_a_window(tmp_path):
    p = _write(tmp_path, _series(5))
    with pytest.raises(CSVError, match="data.csv: 5 data rows, too few for one window of 8"):
        from_csv(p, window=8)
    p = _write(tmp_path, "a,b\n")
    with pytest.raises(CSVError, match="no data rows"):
        from_csv(p)


@pytest.mark.parametrize("text", ["", "  \n\n"])
def test_empty_file(tmp_path, text):
    p = _write(tmp_path, text)
    with pytest.raises(CSVError, match="data.csv: the file is empty"):
        from_csv(p)
    with pytest.raises(CSVError, match="the file is empty"):
        read_csv_table(p)


def test_undecodable_bytes_name_the_row(tmp_path):
    p = _write(tmp_path, b"a,b\n1,2\n3,\xff\xfe\n")
    with pytest.raises(CSVError, match=r"data.csv: row 3: byte 0xff is not valid UTF-8"):
        from_csv(p)


def test_missing_file(tmp_path):
    with pytest.raises(CSVError, match="nothere.csv: cannot read the file"):
        from_csv(tmp_path / "nothere.csv")


def test_header_problems(tmp_path):
    with pytest.raises(CSVError, match="column 2 has no name"):
        from_csv(_write(tmp_path, "a,,c\n1,2,3\n"))
    with pytest.raises(CSVError, match="the column name 'a' appears twice"):
        from_csv(_write(tmp_path, "a,b,a\n1,2,3\n"))


def test_bad_window_arguments(tmp_path):
    p = _write(tmp_path, _series(5))
    with pytest.raises(CSVError, match="window must be"):
        from_csv(p, window=0)
    with pytest.raises(CSVError, match="stride must be"):
        from_csv(p, window=2, stride=1.5)


def test_csv_error_is_a_value_error():
    assert issubclass(CSVError, ValueError)


def test_read_csv_table_preview(tmp_path):
    p = _write(tmp_path, "date,temp\n2024-01-01,3.5\n2024-01-02,4\n2024-01-03,x\n")
    header, rows = read_csv_table(p)
    assert header == ["date", "temp"]
    assert rows[0] == ["2024-01-01", "3.5"] and len(rows) == 3
    header, rows = read_csv_table(p, max_rows=2)
    assert len(rows) == 2


# ---------------------------------------------------------------------- hostile inputs (issue 14)
def test_a_named_pipe_is_refused_without_waiting(tmp_path):
    fifo = make_fifo(tmp_path / "pipe.csv")
    with pytest.raises(CSVError, match="pipe.csv: cannot read the file: not a regular file: it "
                                       "is a named pipe") as info:
        within(5.0, from_csv, fifo, release=lambda: release_fifo(fifo))
    assert info.value.setting == "path"
    with pytest.raises(CSVError, match="named pipe"):
        within(5.0, read_csv_table, fifo, max_rows=5, release=lambda: release_fifo(fifo))


def test_a_device_is_refused_without_reading_it():
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    with pytest.raises(CSVError, match="zero: cannot read the file: not a regular file: it is "
                                       "a device") as info:
        within(5.0, from_csv, "/dev/zero")
    assert info.value.setting == "path"


def test_a_file_too_large_is_refused_before_reading(tmp_path, monkeypatch):
    p = _write(tmp_path, _series(200))
    monkeypatch.setattr(csvdata, "MAX_CSV_BYTES", 1000)
    with pytest.raises(CSVError, match=r"data.csv: cannot read the file: the CSV file is .* KB; "
                                       "at most 1000 bytes can be read"):
        from_csv(p)


def test_a_line_without_end_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(csvdata, "MAX_LINE_CHARS", 1000)
    p = _write(tmp_path, "a,b\n1,2\n" + "0" * 5000)
    with pytest.raises(CSVError, match="data.csv: row 3 is longer than 1,000 characters"):
        from_csv(p)


def test_windows_are_views_that_share_the_rows(tmp_path):
    X, Y = from_csv(_write(tmp_path, _series(50)), inputs=["temp"], targets=["rain"],
                    window=10, stride=1)
    assert X.shape == (10, 41, 1)
    assert np.shares_memory(X[:, 0], X[:, 1]) and np.shares_memory(Y[:, 3], Y[:, 4])
    assert not X.flags.writeable  # overlapping windows: writing one would change its neighbours
    np.testing.assert_array_equal(X[:, 7, 0], np.arange(7, 17) * 0.5)


def test_a_million_rows_in_windows_of_1000_every_row_are_refused_while_reading(tmp_path):
    """7.4 GB per array (23 GB RSS) before; now refused, naming the stride, after the rows
    that already pass the data budget."""
    p = tmp_path / "long.csv"
    i = np.arange(1_000_000)
    p.write_text("a,b\n" + "".join(f"{a},{b}\n" for a, b in zip(i % 97, i % 89)))
    with pytest.raises(CSVError, match=r"long.csv: the first .* rows cut into windows of 1000 "
                                       r"steps every 1 row give .* sequences .*raise the "
                                       "stride or shorten the window") as info:
        from_csv(p, inputs=["a"], targets=["b"], window=1000, stride=1)
    assert info.value.setting == "stride"


def test_one_sequence_too_long_is_refused(tmp_path):
    p = _write(tmp_path, _series(5000))
    with pytest.raises(CSVError, match="as one sequence of 3 values per step take .*: cut them "
                                       r"into windows \(window, stride\)") as info:
        from_csv(p, max_bytes=50_000)
    assert info.value.setting == "window"
    X, _ = from_csv(p, window=100, max_bytes=500_000)
    assert X.shape == (100, 50, 3)
