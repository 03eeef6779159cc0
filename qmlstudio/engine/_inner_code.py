"""Inner kernels' code: LLVM IR for their callers, and no machine code of their own.

numba compiles every kernel into a code library of its own: it optimises the library's
module, then emits its machine code. A caller links each callee's module into its own and
optimises and emits all of it again; so on a cold cache every kernel's code went through
LLVM once per level of the call graph above it. An inner kernel (see :mod:`._jit`) is never
run on its own — Python cannot call it, and compiled callers run their own copy of its code
— so its library (:class:`InnerLibrary`) keeps only the function-level optimised IR that
callers link in: no module optimisation, no machine code. Measured on the cold moons
training, one process (``tests/benchmarks/profile_first_run.py``, two runs each): 23.2–25.2
→ 17.7–18.7 CPU seconds of compiling, 10.9–11.8 → 5.7–5.8 of them inside LLVM; the kernels
run as fast (their callers optimise the linked module as before).

The on-disk cache keeps such a library as its IR (LLVM bitcode, kind :data:`INNER_KIND`)
instead of machine code; loading it (:func:`rebuild`) parses the bitcode and makes no machine
code either. A driver (which has wrappers, and which Python calls) keeps numba's own library
and caches machine code as before, so a warm start loads the drivers' machine code as it did.
"""

from __future__ import annotations

import llvmlite.binding as ll
from numba.core.compiler import Compiler, CompileResult

from qmlstudio.engine._vector_width import WideLibrary

__all__ = ["INNER_KIND", "InnerCompiler", "InnerLibrary", "rebuild"]

INNER_KIND = "qmlstudio-inner-bitcode"
"""The serialised kind of an :class:`InnerLibrary` in the cache (numba's own kinds are
``"object"`` and ``"bitcode"``)."""


class _EnvlessCodegen:
    """The library's codegen, except that setting a function's environment does nothing:
    the environment's global lives in machine code, which an inner library does not have.
    (The engine's kernels never raise from compiled code, so they never read it.)"""

    def __init__(self, codegen) -> None:
        self._codegen = codegen

    def __getattr__(self, name: str):
        return getattr(self._codegen, name)

    def set_env(self, env_name, env) -> None:
        """Nothing to set: no machine code holds the environment's global."""


class InnerLibrary(WideLibrary):
    """A code library of IR only, for callers to link in (see the module docstring); its
    functions prefer wide vectors as every engine function does (:mod:`._vector_width`)."""

    def _optimize_final_module(self) -> None:
        """Skipped: every caller optimises its module after linking this one in."""

    def _finalize_final_module(self) -> None:
        """numba's finalisation without adding the module to the JIT engine (which would
        emit its machine code)."""
        self._finalize_dynamic_globals()
        self._verify_declare_only_symbols()
        self._finalized = True

    def get_pointer_to_function(self, name: str) -> int:
        """0 (numba's "not defined"): an inner kernel has no machine code to point to."""
        return 0

    @property
    def codegen(self):
        """The codegen, with environments left unset (see :class:`_EnvlessCodegen`)."""
        return _EnvlessCodegen(self._codegen)

    def serialize_using_object_code(self):
        """The cached form: this library's module as linkable bitcode (no object code)."""
        return (self.name, INNER_KIND, self._get_module_for_linking().as_bitcode())

    @classmethod
    def _unserialize(cls, codegen, state):
        name, kind, bitcode = state
        if kind != INNER_KIND:
            raise ValueError(f"not an inner kernel's library: {kind!r}")
        library = cls(codegen, name)
        library._final_module = ll.parse_bitcode(bitcode)
        library._finalize_final_module()
        return library


class InnerCompiler(Compiler):
    """numba's default compiler, building an :class:`InnerLibrary`."""

    def compile_extra(self, func):
        """Compile ``func`` into a fresh :class:`InnerLibrary`."""
        if self.state.library is None:
            self.state.library = InnerLibrary(self.state.targetctx.codegen(),
                                              func.__qualname__)
            self.state.library.enable_object_caching()
        return super().compile_extra(func)


def rebuild(target_context, payload) -> CompileResult:
    """A cached inner kernel's compile result (what numba's ``CompileResult._rebuild`` does
    for its own kinds, with an :class:`InnerLibrary` made from the cached bitcode)."""
    (libdata, fndesc, env, signature, objectmode, lifted, typeann, reload_init,
     referenced_envs) = payload
    for fn in reload_init or ():
        fn()
    library = InnerLibrary._unserialize(target_context.codegen(), libdata)
    cfunc = target_context.get_executable(library, fndesc, env)
    return CompileResult(target_context=target_context,
                         typing_context=target_context.typing_context, library=library,
                         environment=env, entry_point=cfunc, fndesc=fndesc,
                         type_annotation=typeann, signature=signature,
                         objectmode=objectmode, lifted=lifted, typing_error=None,
                         call_helper=None, metadata=None, reload_init=reload_init,
                         referenced_envs=referenced_envs)
