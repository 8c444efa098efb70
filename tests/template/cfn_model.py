"""Load template.yaml and evaluate it the way CloudFormation would for a given set of parameters.

The evaluator is deliberately small: it understands exactly the intrinsic functions template.yaml may
use (Ref, Fn::Sub, Fn::Join, Fn::Split, Fn::Select, Fn::If, Fn::Equals, Fn::Not, Fn::And, Fn::Or,
Condition, Fn::FindInMap, Fn::GetAtt, and in Rules Fn::Contains and Fn::EachMemberEquals) plus the
AWS::LanguageExtensions Fn::ForEach loop, and raises on anything else so a template change cannot
silently slip past the tests. References to resources and
their attributes resolve to placeholders such as "<StartChatFunction.Arn>".
"""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path
from typing import Any

from cfnlint.decode import cfn_yaml

ROOT = Path(__file__).resolve().parents[2]
# START_CHAT_TEMPLATE lets a mutated copy be tested (to prove the tests catch regressions).
TEMPLATE_PATH = Path(os.environ.get("START_CHAT_TEMPLATE", ROOT / "template.yaml"))

PSEUDO = {
    "AWS::Partition": "aws",
    "AWS::Region": "eu-west-2",
    "AWS::AccountId": "123456789012",
    "AWS::StackName": "chat",
    "AWS::URLSuffix": "amazonaws.com",
}

# Sample ids used across the tests.
INSTANCE = "11111111-2222-4333-8444-555555555555"
FLOW = "aaaaaaaa-2222-4333-8444-555555555555"
FLOW_B = "bbbbbbbb-2222-4333-8444-555555555555"
FLOW_C = "cccccccc-2222-4333-8444-555555555555"
REQUIRED = {"InstanceId": INSTANCE, "ContactFlowId": FLOW}


class NoValue:
    """AWS::NoValue: removes the enclosing property or list item."""


NO_VALUE = NoValue()
_SUB_VAR = re.compile(r"\$\{([^}!][^}]*)\}")


def load_template(path: Path = TEMPLATE_PATH) -> dict:
    """The template as plain dicts/lists/strings, with short-form tags turned into long form."""
    return json.loads(json.dumps(cfn_yaml.load(str(path))))


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if v is not NO_VALUE}
    if isinstance(value, list):
        return [_strip(v) for v in value if v is not NO_VALUE]
    return value


class Stack:
    """The template evaluated for one parameter set."""

    def __init__(self, template: dict, overrides: dict[str, str] | None = None):
        self.template = template
        self.params: dict[str, Any] = {}
        given = dict(overrides or {})
        for name, spec in template["Parameters"].items():
            if name in given:
                raw = str(given.pop(name))
            elif "Default" in spec:
                raw = str(spec["Default"])
            else:
                raise KeyError(f"parameter {name} has no default and no value was given")
            self.params[name] = raw.split(",") if spec["Type"] == "CommaDelimitedList" else raw
        if given:
            raise KeyError(f"unknown parameters {sorted(given)}")
        self._conditions: dict[str, bool] = {}
        self.resources_raw = self._expand_foreach(template["Resources"])

    # ------------------------------------------------------------------ conditions
    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            self._conditions[name] = bool(self.resolve(self.template["Conditions"][name]))
        return self._conditions[name]

    # ------------------------------------------------------------------ Fn::ForEach
    def _expand_foreach(self, section: dict) -> dict:
        out: dict = {}
        for key, value in section.items():
            if not key.startswith("Fn::ForEach::"):
                out[key] = value
                continue
            identifier, collection, fragment = value
            items = self.resolve(collection)
            assert isinstance(items, list), f"{key}: collection must resolve to a list"
            for item in items:
                for out_key, out_value in fragment.items():
                    new_key = out_key.replace("${%s}" % identifier, item).replace(
                        "&{%s}" % identifier, re.sub(r"[^A-Za-z0-9]", "", item)
                    )
                    assert new_key not in out, f"{key} generates duplicate logical id {new_key}"
                    out[new_key] = self._substitute_loop_var(copy.deepcopy(out_value), identifier, item)
        return out

    def _substitute_loop_var(self, value: Any, identifier: str, item: str) -> Any:
        """CloudFormation replaces the loop identifier inside Fn::Sub strings (and Refs to it)."""
        if isinstance(value, dict):
            if set(value) == {"Ref"} and value["Ref"] == identifier:
                return item
            if set(value) == {"Fn::Sub"}:
                arg = value["Fn::Sub"]
                if isinstance(arg, str):
                    return {"Fn::Sub": arg.replace("${%s}" % identifier, item)}
                return {
                    "Fn::Sub": [
                        arg[0].replace("${%s}" % identifier, item),
                        self._substitute_loop_var(arg[1], identifier, item),
                    ]
                }
            return {k: self._substitute_loop_var(v, identifier, item) for k, v in value.items()}
        if isinstance(value, list):
            return [self._substitute_loop_var(v, identifier, item) for v in value]
        return value

    # ------------------------------------------------------------------ intrinsics
    def _ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.params:
            return self.params[name]
        if name in PSEUDO:
            return PSEUDO[name]
        if name in self.resources_raw:
            return f"<{name}>"
        raise KeyError(f"Ref to unknown name {name}")

    def _sub(self, template: str, variables: dict) -> str:
        def repl(match: re.Match) -> str:
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if "." in name:
                resource, _ = name.split(".", 1)
                if resource in self.resources_raw:
                    return f"<{name}>"
                raise KeyError(f"Fn::Sub references unknown attribute {name}")
            value = self._ref(name)
            if isinstance(value, list):
                raise TypeError(f"Fn::Sub cannot substitute list parameter {name}")
            return str(value)

        return _SUB_VAR.sub(repl, template).replace("${!", "${")

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [v for v in (self.resolve(v) for v in value) if v is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (fn, arg), = value.items()
            if fn == "Ref":
                return self._ref(arg)
            if fn == "Condition":
                return self.condition(arg)
            if fn == "Fn::Sub":
                if isinstance(arg, str):
                    return self._sub(arg, {})
                return self._sub(arg[0], {k: self.resolve(v) for k, v in arg[1].items()})
            if fn == "Fn::Join":
                parts = self.resolve(arg[1])
                return arg[0].join(str(p) for p in parts)
            if fn == "Fn::Split":
                return str(self.resolve(arg[1])).split(arg[0])
            if fn == "Fn::Select":
                return self.resolve(arg[1])[int(self.resolve(arg[0]))]
            if fn == "Fn::If":
                return self.resolve(arg[1] if self.condition(arg[0]) else arg[2])
            if fn == "Fn::Equals":
                a, b = (self.resolve(x) for x in arg)
                return str(a) == str(b) if not isinstance(a, list) else a == b
            if fn == "Fn::Not":
                return not self.resolve(arg[0])
            if fn == "Fn::And":
                return all(self.resolve(x) for x in arg)
            if fn == "Fn::Or":
                return any(self.resolve(x) for x in arg)
            if fn == "Fn::FindInMap":
                m, k1, k2 = (self.resolve(x) for x in arg)
                return self.template["Mappings"][m][k1][k2]
            if fn == "Fn::Contains":  # Rules only: the list holds the value
                values, value = (self.resolve(x) for x in arg)
                return value in values
            if fn == "Fn::EachMemberEquals":  # Rules only: every member of the list is the value
                values, value = (self.resolve(x) for x in arg)
                return all(v == value for v in values)
            if fn == "Fn::GetAtt":
                target = arg if isinstance(arg, list) else arg.split(".", 1)
                assert target[0] in self.resources_raw, f"GetAtt of unknown resource {target[0]}"
                return f"<{target[0]}.{target[1]}>"
            if fn.startswith("Fn::"):
                raise NotImplementedError(f"evaluator does not know {fn}")
        return {k: v for k, v in ((k, self.resolve(v)) for k, v in value.items()) if v is not NO_VALUE}

    # ------------------------------------------------------------------ rules
    def rule_failures(self) -> list[str]:
        """Names of the Rules whose assertions fail for these parameters: CloudFormation would refuse them."""
        failed = []
        for name, rule in self.template.get("Rules", {}).items():
            if "RuleCondition" in rule and not self.resolve(rule["RuleCondition"]):
                continue
            if not all(self.resolve(a["Assert"]) for a in rule["Assertions"]):
                failed.append(name)
        return failed

    # ------------------------------------------------------------------ views
    def resources(self) -> dict[str, dict]:
        """Resources that would be created, fully resolved (Condition/Metadata kept for inspection)."""
        out = {}
        for name, res in self.resources_raw.items():
            if "Condition" in res and not self.condition(res["Condition"]):
                continue
            out[name] = _strip(self.resolve(res))
        return out

    def outputs(self) -> dict[str, Any]:
        out = {}
        for name, spec in self.template.get("Outputs", {}).items():
            if "Condition" in spec and not self.condition(spec["Condition"]):
                continue
            out[name] = _strip(self.resolve(spec["Value"]))
        return out

    def of_type(self, type_name: str) -> dict[str, dict]:
        return {k: v for k, v in self.resources().items() if v["Type"] == type_name}

    def role_statements(self, role_logical_id: str = "StartChatFunctionRole") -> list[dict]:
        """Every IAM statement that ends up on the function's role (inline and AWS::IAM::RolePolicy)."""
        resources = self.resources()
        statements = []
        for policy in resources[role_logical_id]["Properties"].get("Policies", []):
            statements += _as_list(policy["PolicyDocument"]["Statement"])
        for res in resources.values():
            if res["Type"] in ("AWS::IAM::RolePolicy", "AWS::IAM::Policy"):
                props = res["Properties"]
                roles = [props.get("RoleName")] + list(props.get("Roles", []))
                if f"<{role_logical_id}>" in roles:
                    statements += _as_list(props["PolicyDocument"]["Statement"])
        return statements


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def actions_of(statement: dict) -> list[str]:
    return _as_list(statement.get("Action", []))


def resources_of(statement: dict) -> list[str]:
    return _as_list(statement.get("Resource", []))


def stack(**overrides: str) -> Stack:
    """The template evaluated with the required parameters filled in and the given overrides."""
    return Stack(load_template(), {**REQUIRED, **overrides})
