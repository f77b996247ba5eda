"""Field types of the API's response schemas that format numbers at the edge: selectors hand
over integer fen, and the schema writes the decimal string API.md promises ("56.50"), so the
OpenAPI document still says `string`."""

from typing import Annotated

from pydantic import PlainSerializer

from .numbers import fen_str

Fen = Annotated[int, PlainSerializer(fen_str, return_type=str)]
