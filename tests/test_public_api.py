"""The Python API page: every public name of ``qmlstudio`` (and every public method of its
main classes) carries a real docstring, so ``help()`` and IDEs explain the API the README
shows."""

from __future__ import annotations

import inspect

import pytest

import qmlstudio as q

MAIN_CLASSES = (q.Circuit, q.Project, q.Trainer, q.TrainedModel, q.QNNClassifier,
                q.QNNRegressor)


def _own_doc(obj: object) -> str:
    """``obj``'s own docstring (not one inherited, nor a dataclass's generated signature)."""
    doc = (getattr(obj, "__doc__", None) or "").strip()
    name = getattr(obj, "__name__", "")
    if inspect.isclass(obj) and doc.startswith(f"{name}("):
        return ""  # written by @dataclass: the signature, not documentation
    return doc


def _public_methods(cls: type):
    """(name, function or property) of each public method defined by ``cls`` or a
    qmlstudio base class of it."""
    seen = set()
    for klass in cls.__mro__:
        if not klass.__module__.startswith("qmlstudio"):
            continue
        for name, member in vars(klass).items():
            if name.startswith("_") or name in seen:
                continue
            seen.add(name)
            if isinstance(member, (classmethod, staticmethod)):
                yield name, member.__func__
            elif isinstance(member, property):
                yield name, member.fget
            elif inspect.isfunction(member):
                yield name, member


def test_all_lists_only_real_names():
    assert len(set(q.__all__)) == len(q.__all__)
    for name in q.__all__:
        assert hasattr(q, name), name
    public = {n for n, v in vars(q).items() if not n.startswith("_")
              and not inspect.ismodule(v)}
    assert public <= set(q.__all__), sorted(public - set(q.__all__))


@pytest.mark.parametrize("name", [n for n in q.__all__ if n != "__version__"])
def test_every_public_name_has_a_docstring(name):
    obj = getattr(q, name)
    assert len(_own_doc(obj)) >= 10, f"qmlstudio.{name} has no docstring"


def test_the_version_is_a_version_string():
    assert isinstance(q.__version__, str) and q.__version__[0].isdigit()


@pytest.mark.parametrize("cls", MAIN_CLASSES, ids=lambda c: c.__name__)
def test_every_public_method_of_the_main_classes_has_a_docstring(cls):
    methods = list(_public_methods(cls))
    assert methods, f"{cls.__name__} has no public methods?"
    missing = [name for name, function in methods if not _own_doc(function)]
    assert not missing, f"{cls.__module__}.{cls.__name__}: no docstring on {missing}"


def test_importing_the_api_does_not_import_qt():
    import subprocess
    import sys

    code = "import sys, qmlstudio; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    assert out.strip() == "False"


def test_the_api_loads_its_heavy_parts_on_first_use():
    import subprocess
    import sys

    code = ("import sys, qmlstudio as q\n"
            "light = not any(m.split('.')[0] in ('sklearn', 'numba') for m in sys.modules)\n"
            "print(light, callable(q.engine.prepare), callable(q.io.load_project),\n"
            "      q.QNNClassifier.__module__, 'sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    assert out.split() == ["True", "True", "True", "qmlstudio.ml.estimators", "True"]
