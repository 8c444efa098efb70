"""The member check fails when it should: a new member in the model, a stale or unproven entry, a missing
reason, an operation the code starts to call or serve. Each case patches a copy of the pinned model, of
members.toml or of a scratch repository, and looks for the problem it must cause.

Run: .venv/bin/python -m unittest discover -s tests/model -p 'test_*.py'
"""

import copy
import tempfile
import tomllib
import unittest
from pathlib import Path

import botocore.session
from botocore.model import ServiceModel

import check_members as cm

REPO = Path(__file__).resolve().parent.parent.parent
ENTRIES = tomllib.loads((REPO / "tests/model/members.toml").read_text())
SESSION = botocore.session.get_session()
LOADER = SESSION.get_component("data_loader")
RAW = {name: LOADER.load_service_model(name, "service-2") for name in cm.SERVICES}


PINNED = {name: ServiceModel(model, service_name=name) for name, model in RAW.items()}


def models(patch=None, service=None) -> dict:
    """The pinned models, or copies with `patch` applied to the raw model of `service`."""
    if patch is None:
        return PINNED
    raw = copy.deepcopy(RAW[service])
    patch(raw)
    return {**PINNED, service: ServiceModel(raw, service_name=service)}


def problems(repo=REPO, model=None, entries=None) -> list:
    return cm.check(repo, model or models(), ENTRIES if entries is None else entries).problems


def add_member(service, shape, name, target) -> dict:
    def patch(raw):
        raw["shapes"][shape]["members"][name] = {"shape": target}

    return models(patch, service)


def scratch_repo(files: dict) -> Path:
    root = Path(tempfile.mkdtemp(prefix="check-members-"))
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


class TheRepository(unittest.TestCase):
    def test_passes_as_committed(self):
        self.assertEqual(problems(), [])


class NewMembers(unittest.TestCase):
    def test_a_new_top_level_member_of_start_chat_contact_fails_for_both_sides(self):
        found = problems(model=add_member("connect", "StartChatContactRequest", "FakeMember", "ClientToken"))
        self.assertIn("connect.StartChatContact.function: `FakeMember` is new in the model: neither supported nor listed as not accepted", found)
        self.assertIn("connect.StartChatContact.emulator: `FakeMember` is new in the model: neither supported nor listed as not accepted", found)
        self.assertEqual(len(found), 2, found)

    def test_a_new_nested_member_fails(self):
        found = problems(model=add_member("connect", "ParticipantDetails", "Pronouns", "DisplayName"))
        self.assertIn("connect.StartChatContact.function: `ParticipantDetails.Pronouns` is new in the model: neither supported nor listed as not accepted", found)

    def test_a_new_member_of_a_participant_operation_fails(self):
        found = problems(model=add_member("connectparticipant", "SendMessageRequest", "Priority", "ClientToken"))
        self.assertEqual(found, ["connectparticipant.SendMessage.emulator: `Priority` is new in the model: neither supported nor listed as not accepted"])

    def test_a_new_member_under_a_declined_one_needs_no_entry(self):
        found = problems(model=add_member("connect", "ChatStreamingConfiguration", "Format", "ClientToken"))
        self.assertEqual([p for p in found if ".function:" in p], [])
        self.assertIn("connect.StartChatContact.emulator: `ChatStreamingConfiguration.Format` is new in the model: neither supported nor listed as not accepted", found)


class Entries(unittest.TestCase):
    def entries(self, edit) -> dict:
        entries = copy.deepcopy(ENTRIES)
        edit(entries)
        return entries

    def test_a_member_left_out_fails(self):
        found = problems(entries=self.entries(lambda e: e["connect"]["StartChatContact"]["function"].pop("CustomerId")))
        self.assertEqual(found, ["connect.StartChatContact.function: `CustomerId` is new in the model: neither supported nor listed as not accepted"])

    def test_a_stale_entry_fails(self):
        def edit(e):
            e["connectparticipant"]["SendMessage"]["emulator"]["Gone"] = "supported: emulator/src/participant/messaging.rs"

        self.assertEqual(problems(entries=self.entries(edit)), ["connectparticipant.SendMessage.emulator: `Gone` is not an input member of the model (stale)"])

    def test_a_stale_operation_fails(self):
        def edit(e):
            e["connect"]["StartChatContactV0"] = {"function": {"X": "supported: src"}}

        self.assertIn("connect.StartChatContactV0: the model has no such operation (stale)", problems(entries=self.entries(edit)))

    def test_supported_must_be_in_openapi(self):
        def edit(e):
            e["connect"]["StartChatContact"]["function"]["ChatStreamingConfiguration"] = "supported: openapi.yaml#startChat"

        found = problems(entries=self.entries(edit))
        self.assertIn("connect.StartChatContact.function: `ChatStreamingConfiguration` is not in the request schema of openapi.yaml#startChat", found)

    def test_supported_must_be_in_the_code_named(self):
        def edit(e):
            e["connect"]["StartChatContact"]["function"]["ChatStreamingConfiguration"] = "supported: src/chat"
            e["connect"]["StartChatContact"]["function"]["ChatStreamingConfiguration.StreamingEndpointArn"] = "supported: src/connect"

        found = problems(entries=self.entries(edit))
        self.assertIn('connect.StartChatContact.function: `ChatStreamingConfiguration`: nothing in src/chat reads "ChatStreamingConfiguration" or sets .chat_streaming_configuration(...) outside tests', found)
        self.assertIn('connect.StartChatContact.function: `ChatStreamingConfiguration.StreamingEndpointArn`: nothing in src/connect reads "StreamingEndpointArn" or sets .streaming_endpoint_arn(...) outside tests', found)

    def test_the_emulator_cannot_vouch_for_the_function(self):
        def edit(e):
            e["connect"]["StartChatContact"]["function"]["ChatStreamingConfiguration"] = "supported: emulator/src/control/start_chat"

        self.assertIn("connect.StartChatContact.function: `ChatStreamingConfiguration`: emulator/src/control/start_chat is not function code (under src or openapi.yaml#)",
                      problems(entries=self.entries(edit)))

    def test_a_moved_location_fails(self):
        def edit(e):
            e["connectparticipant"]["SendMessage"]["emulator"]["Content"] = "supported: emulator/src/participant/gone.rs"

        self.assertEqual(problems(entries=self.entries(edit)), ["connectparticipant.SendMessage.emulator: `Content`: emulator/src/participant/gone.rs does not exist (moved?)"])

    def test_a_reason_is_required(self):
        def edit(e):
            e["secretsmanager"]["GetSecretValue"]["function"]["VersionId"] = "not sent: unused"

        self.assertEqual(problems(entries=self.entries(edit)), ["secretsmanager.GetSecretValue.function: `VersionId`: not sent, but the reason is missing or too short"])

    def test_an_unknown_verdict_fails(self):
        def edit(e):
            e["secretsmanager"]["GetSecretValue"]["function"]["VersionId"] = "maybe later"

        self.assertEqual(len(problems(entries=self.entries(edit))), 2)

    def test_a_child_of_a_declined_member_must_not_be_listed(self):
        def edit(e):
            e["connect"]["StartChatContact"]["function"]["ChatStreamingConfiguration.StreamingEndpointArn"] = "supported: src/connect"

        self.assertEqual(problems(entries=self.entries(edit)), ["connect.StartChatContact.function: `ChatStreamingConfiguration.StreamingEndpointArn` is listed, but `ChatStreamingConfiguration` is already declined"])

    def test_an_expected_side_left_out_fails(self):
        found = problems(entries=self.entries(lambda e: e["connect"].pop("GetCurrentMetricData")))
        self.assertIn("connect.GetCurrentMetricData.function: the function calls it: list its members in members.toml", found)
        self.assertIn("connect.GetCurrentMetricData.emulator: the emulator serves it: list its members in members.toml", found)


class Detection(unittest.TestCase):
    """What the code calls and serves, on a scratch repository."""

    CARGO = '[dependencies]\naws-sdk-connect = { version = "1" }\n'

    def test_a_new_call_or_route_must_be_listed(self):
        repo = scratch_repo({
            "Cargo.toml": self.CARGO,
            "src/queue.rs": "async fn f(c: &Client) { c.describe_contact().send().await; }\n",
            "emulator/src/control.rs": 'fn r() -> Router { Router::new()\n    .route(\n        "/queues/{instance_id}/{queue_id}",\n        get(describe)\n            .fallback(unknown),\n    )\n}\n',
        })
        called, served = cm.called_by_function(repo, models()), cm.served_by_emulator(repo, models())
        self.assertEqual(called, {("connect", "DescribeContact")})
        self.assertEqual(served, {("connect", "DescribeQueue")})  # not DeleteQueue: another method
        found = cm.Checker(repo, models(), {}, called, served).run()
        self.assertIn("connect.DescribeContact.function: the function calls it: list its members in members.toml", found)

    def test_a_pending_side_fails_once_the_code_has_it(self):
        repo = scratch_repo({"Cargo.toml": self.CARGO, "src/q.rs": "fn f() { c.describe_queue().queue_id(q); }\n", "emulator/src/x.rs": ""})
        entries = {"connect": {"DescribeQueue": {"function": "pending: the availability route adds the call"}}}
        found = cm.Checker(repo, models(), entries, cm.called_by_function(repo, models()), set()).run()
        self.assertIn("connect.DescribeQueue.function: pending, but the function now calls it: list its members", found)

    def test_an_expected_operation_is_required_before_the_code_has_it(self):
        repo = scratch_repo({"Cargo.toml": self.CARGO, "src/q.rs": "", "emulator/src/x.rs": ""})
        found = cm.Checker(repo, models(), {}, set(), set()).run()
        self.assertIn("connect.DescribeQueue.function: the function calls it (expected): list its members in members.toml", found)
        self.assertIn("secretsmanager.GetSecretValue.emulator: the emulator serves it (expected): list its members in members.toml", found)

    def test_members_listed_for_code_that_does_not_exist_fail(self):
        repo = scratch_repo({"Cargo.toml": self.CARGO, "src/q.rs": "", "emulator/src/x.rs": ""})
        entries = {"connect": {"DescribeQueue": {"function": {"InstanceId": "supported: src/q.rs", "QueueId": "supported: src/q.rs"}}}}
        found = cm.Checker(repo, models(), entries, set(), set()).run()
        self.assertIn("connect.DescribeQueue.function: members listed, but the function does not call it (no .describe_queue() call under src/):"
                      " mark it `pending: <reason>` or fix the detection", found)

    def test_test_code_and_comments_are_no_evidence(self):
        repo = scratch_repo({
            "Cargo.toml": self.CARGO,
            "src/q.rs": '// "QueueId" in a comment, .queue_id(x) too\nfn f() { c.describe_queue().instance_id(i); }\n'
                        '#[cfg(test)]\nmod tests { fn t() { let _ = "QueueId"; } }\n',
            "src/tests.rs": 'fn t() { c.queue_id("QueueId"); }\n',
            "emulator/src/x.rs": "",
        })
        entries = {"connect": {"DescribeQueue": {"function": {"InstanceId": "supported: src", "QueueId": "supported: src"}}}}
        found = cm.Checker(repo, models(), entries, cm.called_by_function(repo, models()), set()).run()
        self.assertEqual([p for p in found if "DescribeQueue.function" in p],
                         ['connect.DescribeQueue.function: `QueueId`: nothing in src reads "QueueId" or sets .queue_id(...) outside tests'])

    def test_header_query_and_path_members_by_their_wire_names(self):
        model = models()["connect"]
        members = cm.members_of(model, "DeletePushNotificationRegistration")
        self.assertEqual((members["ContactId"].wire, members["ContactId"].location), ("contactId", "querystring"))
        text = cm.lex_rust('fn r() { q.get("contactId"); route("/push-notification/{instance_id}/registrations/{registration_id}"); }')
        self.assertTrue(cm.rust_evidence([text], members["ContactId"]))
        self.assertTrue(cm.rust_evidence([text], members["RegistrationId"]))
        # A label named otherwise (`{hours_id}`) is read by position from the operation's own route.
        hours = cm.members_of(model, "GetEffectiveHoursOfOperations")["HoursOfOperationId"]
        route = cm.lex_rust('fn r() { x.route("/effective-hours-of-operations/{instance_id}/{hours_id}", get(h)); }')
        self.assertTrue(cm.rust_evidence([route], hours))
        self.assertFalse(cm.rust_evidence([cm.lex_rust('x.route("/queues/{instance_id}/{queue_id}", get(h));')], hours))
        bearer = cm.members_of(models()["connectparticipant"], "SendMessage")["ConnectionToken"]
        self.assertTrue(cm.rust_evidence([cm.lex_rust('h.get("x-amz-bearer")')], bearer))
        self.assertFalse(cm.rust_evidence([cm.lex_rust('h.get("x-amz-date")')], bearer))


if __name__ == "__main__":
    unittest.main()
