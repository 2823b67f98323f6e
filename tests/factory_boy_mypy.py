"""A mypy plugin: calling a factory_boy factory is typed as the object it makes.

factory_boy (>= 3.3) is generic in the object it makes, ``EventFactory(DjangoModelFactory[Event])``,
so ``EventFactory.create()`` and ``.build()`` are typed as ``Event``. ``EventFactory(...)`` is the
same call at run time (``FactoryMetaClass.__call__``), but mypy types a class call by
``BaseFactory.__new__`` and finds an ``EventFactory``. This plugin gives such calls the factory's
type argument (``Event``) instead; a factory with no type argument keeps mypy's type.
Enabled in pyproject.toml (``[tool.mypy] plugins``).
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.maptype import map_instance_to_supertype
from mypy.nodes import TypeInfo
from mypy.plugin import FunctionContext, Plugin
from mypy.types import AnyType, Instance, Type, get_proper_type

BASE_FACTORY = "factory.base.BaseFactory"


class FactoryBoyPlugin(Plugin):
    def get_function_hook(self, fullname: str) -> Callable[[FunctionContext], Type] | None:
        symbol = self.lookup_fully_qualified(fullname)
        node = symbol.node if symbol is not None else None
        if isinstance(node, TypeInfo) and node.has_base(BASE_FACTORY):
            return made_object_type
        return None


def made_object_type(ctx: FunctionContext) -> Type:
    factory = get_proper_type(ctx.default_return_type)
    if not isinstance(factory, Instance):
        return ctx.default_return_type
    base_info = next((info for info in factory.type.mro if info.fullname == BASE_FACTORY), None)
    if base_info is None:
        return ctx.default_return_type
    made = map_instance_to_supertype(factory, base_info).args
    if not made or isinstance(get_proper_type(made[0]), AnyType):
        return ctx.default_return_type
    return made[0]


def plugin(version: str) -> type[Plugin]:
    return FactoryBoyPlugin
