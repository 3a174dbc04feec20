"""The server's objects from imported modules are set aside from garbage collection, once per import."""

import gc
import sys
import types
import weakref

import pytest

from explorer import long_lived


@pytest.fixture
def fresh(monkeypatch):
    """The module as in a new process, with automatic collection off so that only explicit ones run."""
    monkeypatch.setattr(long_lived, "_frozen_at", 0)
    gc.disable()
    try:
        yield long_lived
    finally:
        gc.enable()
        gc.unfreeze()


def test_a_full_collection_walks_only_what_came_after(fresh):
    tracked_before = len(gc.get_objects())
    assert fresh.freeze_imports()
    assert gc.get_freeze_count() >= tracked_before // 2
    assert len(gc.get_objects()) < tracked_before // 10


def test_it_freezes_again_only_after_new_imports(fresh, monkeypatch):
    assert fresh.freeze_imports()
    assert not fresh.freeze_imports()
    monkeypatch.setitem(sys.modules, "a_view_imported_on_first_use", types.ModuleType("a_view"))
    assert fresh.freeze_imports()


class Node:
    pass


def cycle() -> weakref.ref:
    """A node that refers to itself, dropped: only the cycle collector can free it. Returns a weak ref to it."""
    node = Node()
    node.me = node
    return weakref.ref(node)


def test_cycles_made_after_freezing_are_still_collected(fresh):
    fresh.freeze_imports()
    gone = cycle()
    gc.collect()
    assert gone() is None


def test_garbage_present_when_freezing_is_collected_not_frozen(fresh):
    gone = cycle()
    assert gone() is not None  # automatic collection is off
    fresh.freeze_imports()
    assert gone() is None
