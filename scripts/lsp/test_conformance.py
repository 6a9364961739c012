"""Conformance of `infill lsp` seen by an independent client (pytest-lsp / pygls): the real binary
over pipes, with the scripted backend (deterministic answers) so protocol behaviour is checked
apart from the model. INFILL_BIN names the binary."""
import os

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

BIN = os.environ.get("INFILL_BIN", ".build/release/infill")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BIN, "lsp", "--scripted-backend"]))
async def client(lsp_client: LanguageClient):
    caps = client_capabilities("neovim")
    caps.general = t.GeneralClientCapabilities(position_encodings=[t.PositionEncodingKind.Utf8, t.PositionEncodingKind.Utf16])
    caps.window = t.WindowClientCapabilities(work_done_progress=True)
    result = await lsp_client.initialize_session(t.InitializeParams(capabilities=caps))
    lsp_client.infill_init = result
    yield
    await lsp_client.shutdown_session()


def open_doc(client, uri, language, text, version=1):
    client.text_document_did_open(t.DidOpenTextDocumentParams(
        text_document=t.TextDocumentItem(uri=uri, language_id=language, version=version, text=text)))


async def test_initialize_result(client: LanguageClient):
    caps = client.infill_init.capabilities
    assert caps.position_encoding == t.PositionEncodingKind.Utf8
    assert caps.inline_completion_provider
    assert caps.code_action_provider.resolve_provider
    assert "infill.generateDocstring" in caps.execute_command_provider.commands
    assert client.infill_init.server_info.name == "infill"


async def test_inline_completion_replaces_auto_inserted_closer(client: LanguageClient):
    open_doc(client, "file:///t/a.py", "python", "print()\n")
    result = await client.text_document_inline_completion_async(t.InlineCompletionParams(
        text_document=t.TextDocumentIdentifier(uri="file:///t/a.py"), position=t.Position(line=0, character=6),
        context=t.InlineCompletionContext(trigger_kind=t.InlineCompletionTriggerKind.Invoked)))
    items = result.items if isinstance(result, t.InlineCompletionList) else result
    assert items[0].insert_text == "x, y)"
    assert items[0].range == t.Range(start=t.Position(line=0, character=6), end=t.Position(line=0, character=7))


async def test_completion_menu_item(client: LanguageClient):
    open_doc(client, "file:///t/b.py", "python", "value = comp\n")
    result = await client.text_document_completion_async(t.CompletionParams(
        text_document=t.TextDocumentIdentifier(uri="file:///t/b.py"), position=t.Position(line=0, character=12)))
    assert result.is_incomplete
    item = result.items[0]
    assert item.text_edit.new_text == "compscripted_completion()"
    assert item.text_edit.range.start == t.Position(line=0, character=8)
    assert item.filter_text.startswith("comp")


async def test_incremental_edits_with_utf8_positions(client: LanguageClient):
    open_doc(client, "file:///t/c.py", "python", "s = '😀'\n")
    # utf-8 was negotiated: the emoji is 4 units wide; type "(" after the closing quote.
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri="file:///t/c.py", version=2),
        content_changes=[t.TextDocumentContentChangePartial(
            range=t.Range(start=t.Position(line=0, character=10), end=t.Position(line=0, character=10)), text=" + f(")]))
    result = await client.text_document_inline_completion_async(t.InlineCompletionParams(
        text_document=t.TextDocumentIdentifier(uri="file:///t/c.py"), position=t.Position(line=0, character=15),
        context=t.InlineCompletionContext(trigger_kind=t.InlineCompletionTriggerKind.Automatic)))
    items = result.items if isinstance(result, t.InlineCompletionList) else result
    assert items[0].insert_text == "x, y)", "the prefix ended with the typed '('"


async def test_docstring_action_resolves_lazily(client: LanguageClient):
    open_doc(client, "file:///t/d.py", "python", "def add(a, b):\n    return a + b\n")
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri="file:///t/d.py"),
        range=t.Range(start=t.Position(line=1, character=4), end=t.Position(line=1, character=4)),
        context=t.CodeActionContext(diagnostics=[])))
    assert [a.title for a in actions] == ["Generate docstring"]
    assert actions[0].edit is None
    resolved = await client.code_action_resolve_async(actions[0])
    edit = resolved.edit.changes["file:///t/d.py"][0]
    assert edit.new_text == '    """Scripted docstring."""\n'
    assert edit.range.start == t.Position(line=1, character=0)


async def test_unknown_method_is_method_not_found(client: LanguageClient):
    with pytest.raises(Exception) as info:
        await client.protocol.send_request_async("custom/nothing", {})
    assert "-32601" in str(info.value) or "not found" in str(info.value).lower()
