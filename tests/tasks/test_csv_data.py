"""CSV time series -> sequences; every error names the file, the row and the column."""

import numpy as np
import pytest

from rnnstudio.tasks import CSVError, from_csv, read_csv_table


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
