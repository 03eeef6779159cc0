"""What a user is shown for an error."""

from qmlstudio.core import DatasetError
from qmlstudio.core.errors import user_message


def test_our_errors_speak_for_themselves_and_others_name_their_type():
    assert user_message(DatasetError("iris.csv, row 3: missing value")) == \
        "iris.csv, row 3: missing value"
    assert user_message(ZeroDivisionError("division by zero")) == \
        "ZeroDivisionError: division by zero"
