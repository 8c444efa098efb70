"""HTTP API, REST variant, CORS, throttling, WAF, alarms and outputs."""

import json
import re
import unittest

import cfn_model as m
import cors_model as c

CHAT_URI = "arn:aws:apigateway:eu-west-2:lambda:path/2015-03-31/functions/<StartChatFunction.Arn>/invocations"

# The function's routes (src/http/route.rs, docs/api.md) on both front doors: path -> methods.
ROUTES = {
    "/chat": {"get", "post", "options"},
    "/chat/push-registrations": {"post", "options"},
    "/chat/push-registrations/{registrationId}": {"delete", "options"},
}
# Each route but the OPTIONS ones has limits of its own: (rate parameter, burst parameter, defaults).
START = ("ApiThrottlingRateLimit", "ApiThrottlingBurstLimit", ("5", "8"))
AVAILABILITY = ("AvailabilityThrottlingRateLimit", "AvailabilityThrottlingBurstLimit", ("100", "200"))
PUSH = ("PushThrottlingRateLimit", "PushThrottlingBurstLimit", ("2", "5"))
ROUTE_LIMITS = {
    ("POST", "/chat"): START,
    ("GET", "/chat"): AVAILABILITY,
    ("POST", "/chat/push-registrations"): PUSH,
    ("DELETE", "/chat/push-registrations/{registrationId}"): PUSH,
}
# Distinct values for every limit, so a route wired to the wrong parameter shows.
DISTINCT_LIMITS = {
    "ApiThrottlingRateLimit": "7",
    "ApiThrottlingBurstLimit": "11",
    "AvailabilityThrottlingRateLimit": "150",
    "AvailabilityThrottlingBurstLimit": "301",
    "PushThrottlingRateLimit": "3",
    "PushThrottlingBurstLimit": "6",
}


def methods(paths):
    return {path: {m for m in item if m != "parameters"} for path, item in paths.items()}


def rest_resource_path(path):
    """A REST stage's MethodSettings ResourcePath: "/" encoded as "~1" after the leading slash."""
    return "/" + path.replace("/", "~1")


def http_api(**overrides):
    return m.stack(**overrides).resources()["HttpApi"]["Properties"]


def rest_api(**overrides):
    return m.stack(ApiType="rest", **overrides).resources()["RestApi"]["Properties"]


class ApiSelection(unittest.TestCase):
    def test_api_type_selects_the_apis(self):
        expected = {"http": {"HttpApi"}, "rest": {"RestApi"}, "both": {"HttpApi", "RestApi"}}
        for api_type, apis in expected.items():
            with self.subTest(api_type):
                resources = m.stack(ApiType=api_type).resources()
                present = {n for n in ("HttpApi", "RestApi") if n in resources}
                self.assertEqual(present, apis)
                permissions = {n for n in resources if n.endswith("InvokePermission")}
                self.assertEqual(
                    permissions, {f"{a}{kind}InvokePermission" for a in apis for kind in ("", "Push", "PushItem")}
                )
        self.assertEqual(m.load_template()["Parameters"]["ApiType"]["Default"], "http")


class HttpApi(unittest.TestCase):
    def test_routes_every_method_of_every_path_to_the_function_with_payload_v2(self):
        paths = http_api()["DefinitionBody"]["paths"]
        self.assertEqual(methods(paths), ROUTES)
        for path, path_methods in ROUTES.items():
            for method in path_methods:
                with self.subTest(path=path, method=method):
                    integration = paths[path][method]["x-amazon-apigateway-integration"]
                    self.assertEqual(integration["type"], "aws_proxy")
                    self.assertEqual(integration["httpMethod"], "POST")  # Lambda is always invoked with POST
                    self.assertEqual(integration["uri"], CHAT_URI)
                    self.assertEqual(integration["payloadFormatVersion"], "2.0")

    def test_registration_id_is_a_declared_path_parameter(self):
        for props in (http_api(), rest_api()):
            item = props["DefinitionBody"]["paths"]["/chat/push-registrations/{registrationId}"]
            self.assertEqual(
                item["parameters"], [{"name": "registrationId", "in": "path", "required": True, "schema": {"type": "string"}}]
            )

    def test_cors_origins_come_from_the_allowed_origins_parameter(self):
        raw = m.load_template()["Resources"]["HttpApi"]["Properties"]["CorsConfiguration"]
        self.assertEqual(
            raw["AllowOrigins"],
            {"Fn::If": ["HasAllowedOrigins", {"Fn::Split": [",", {"Ref": "AllowedOrigins"}]}, {"Ref": "AWS::NoValue"}]},
        )
        origins = "https://www.example.com,https://example.com"
        self.assertEqual(http_api(AllowedOrigins=origins)["CorsConfiguration"]["AllowOrigins"], origins.split(","))
        self.assertEqual(http_api(AllowedOrigins="*")["CorsConfiguration"]["AllowOrigins"], ["*"])
        # Empty parameter: no origin at all, never a default wildcard.
        self.assertNotIn("AllowOrigins", http_api()["CorsConfiguration"])

    def test_cors_methods_headers_and_max_age(self):
        cors = http_api(CorsMaxAgeSeconds="300")["CorsConfiguration"]
        # Exactly the methods some route serves: a preflight for anything else fails.
        self.assertEqual(sorted(cors["AllowMethods"]), ["DELETE", "GET", "OPTIONS", "POST"])
        self.assertEqual({m.upper() for ms in ROUTES.values() for m in ms}, set(cors["AllowMethods"]))
        self.assertIn("content-type", [h.lower() for h in cors["AllowHeaders"]])
        self.assertIs(cors["AllowCredentials"], False)
        self.assertEqual(cors["MaxAge"], "300")

    def test_each_route_is_throttled_by_its_own_parameters(self):
        raw = m.load_template()["Resources"]["HttpApi"]["Properties"]["RouteSettings"]
        self.assertEqual(set(raw), {f"{method} {path}" for method, path in ROUTE_LIMITS})
        for (method, path), (rate, burst, defaults) in ROUTE_LIMITS.items():
            with self.subTest(route=f"{method} {path}"):
                key = f"{method} {path}"
                self.assertEqual(raw[key], {"ThrottlingRateLimit": {"Ref": rate}, "ThrottlingBurstLimit": {"Ref": burst}})
                settings = http_api()["RouteSettings"][key]
                self.assertEqual((settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]), defaults)
                settings = http_api(**DISTINCT_LIMITS)["RouteSettings"][key]
                self.assertEqual(
                    (settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]), (DISTINCT_LIMITS[rate], DISTINCT_LIMITS[burst])
                )

    def test_route_keys_name_routes_that_exist(self):
        # A RouteSettings key without its route fails the stage at deploy time.
        paths = http_api()["DefinitionBody"]["paths"]
        for key in http_api()["RouteSettings"]:
            method, path = key.split(" ", 1)
            self.assertIn(method.lower(), paths[path], key)

    def test_other_routes_get_the_chat_starts_limits(self):
        # The OPTIONS routes: non-preflight OPTIONS requests, answered by the function.
        raw = m.load_template()["Resources"]["HttpApi"]["Properties"]["DefaultRouteSettings"]
        self.assertEqual(raw["ThrottlingRateLimit"], {"Ref": "ApiThrottlingRateLimit"})
        self.assertEqual(raw["ThrottlingBurstLimit"], {"Ref": "ApiThrottlingBurstLimit"})
        settings = http_api()["DefaultRouteSettings"]
        self.assertEqual((settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]), ("5", "8"))
        for path, path_methods in ROUTES.items():
            for method in path_methods:
                self.assertEqual((method.upper(), path) in ROUTE_LIMITS, method != "options", (method, path))

    def test_access_logs_go_to_a_log_group_with_retention(self):
        stack = m.stack(LogRetentionInDays="14")
        props = stack.resources()["HttpApi"]["Properties"]
        self.assertEqual(props["AccessLogSettings"]["DestinationArn"], "<HttpApiAccessLogGroup.Arn>")
        self.assertEqual(stack.resources()["HttpApiAccessLogGroup"]["Properties"]["RetentionInDays"], "14")

    def test_access_log_format_is_safe_json(self):
        fields = access_log_fields(http_api()["AccessLogSettings"]["Format"])
        self.assertLessEqual({"requestId", "apiId", "status", "integrationStatus", "lambdaRequestId"}, set(fields))


class RestApi(unittest.TestCase):
    def test_rest_variant_proxies_every_method_of_every_path_with_payload_v1(self):
        props = rest_api()
        paths = props["DefinitionBody"]["paths"]
        # The same routes as the HTTP API, OPTIONS included: the function answers the preflights here.
        self.assertEqual(methods(paths), ROUTES)
        for path, path_methods in ROUTES.items():
            for method in path_methods:
                with self.subTest(path=path, method=method):
                    integration = paths[path][method]["x-amazon-apigateway-integration"]
                    self.assertEqual(integration["type"], "aws_proxy")
                    self.assertEqual(integration["httpMethod"], "POST")
                    self.assertEqual(integration["uri"], CHAT_URI)
                    self.assertNotIn("payloadFormatVersion", integration)  # REST proxy integrations are payload 1.0
        self.assertEqual(props["EndpointConfiguration"]["Type"], "REGIONAL")

    def test_each_method_is_throttled_by_its_own_parameters(self):
        raw = m.load_template()["Resources"]["RestApi"]["Properties"]["MethodSettings"]
        by_method = {(s["HttpMethod"], s["ResourcePath"]): s for s in raw}
        self.assertEqual(len(by_method), len(raw))  # no method listed twice
        expected = {(method, rest_resource_path(path)): limits for (method, path), limits in ROUTE_LIMITS.items()}
        expected[("*", "/*")] = START  # every other method (the OPTIONS preflights): the chat start's limits
        self.assertEqual(set(by_method), set(expected))
        self.assertEqual(by_method[("POST", "/~1chat")]["ResourcePath"], "/~1chat")
        for (method, resource_path), (rate, burst, defaults) in expected.items():
            with self.subTest(method=method, path=resource_path):
                setting = by_method[(method, resource_path)]
                self.assertEqual(setting["ThrottlingRateLimit"], {"Ref": rate})
                self.assertEqual(setting["ThrottlingBurstLimit"], {"Ref": burst})
        for overrides, values in (({}, None), (DISTINCT_LIMITS, DISTINCT_LIMITS)):
            settings = {(s["HttpMethod"], s["ResourcePath"]): s for s in rest_api(**overrides)["MethodSettings"]}
            for key, (rate, burst, defaults) in expected.items():
                with self.subTest(key=key, overrides=bool(overrides)):
                    want = defaults if values is None else (values[rate], values[burst])
                    self.assertEqual((settings[key]["ThrottlingRateLimit"], settings[key]["ThrottlingBurstLimit"]), want)

    def test_method_settings_name_methods_that_exist(self):
        paths = rest_api()["DefinitionBody"]["paths"]
        encoded = {rest_resource_path(path): path for path in paths}
        for setting in rest_api()["MethodSettings"]:
            if setting["ResourcePath"] == "/*":
                continue
            path = encoded[setting["ResourcePath"]]
            self.assertIn(setting["HttpMethod"].lower(), paths[path], setting)

    def test_access_logs_go_to_a_log_group_with_retention(self):
        stack = m.stack(ApiType="rest", LogRetentionInDays="60")
        resources = stack.resources()
        setting = resources["RestApi"]["Properties"]["AccessLogSetting"]
        self.assertEqual(setting["DestinationArn"], "<RestApiAccessLogGroup.Arn>")
        self.assertEqual(resources["RestApiAccessLogGroup"]["Properties"]["RetentionInDays"], "60")
        self.assertNotIn("RestApiAccessLogGroup", m.stack().resources())

    def test_access_log_format_is_safe_json(self):
        fields = access_log_fields(rest_api()["AccessLogSetting"]["Format"])
        self.assertLessEqual(
            {"requestId", "apiId", "status", "errorType", "wafResponseCode", "integrationStatus", "lambdaRequestId"}, set(fields)
        )
        self.assertEqual(fields["errorType"], "$context.error.responseType")
        self.assertEqual(fields["wafResponseCode"], "$context.wafResponseCode")

    def test_stage_waits_for_the_account_log_role_when_this_stack_sets_it(self):
        # REST stages cannot log before the account has its CloudWatch role: a tag of the stage refers
        # to the account setting only to order the two (test_sam_transform checks it reaches the stage).
        with_role = m.stack(ApiType="rest", CreateApiGatewayLogRole="true").resources()
        self.assertEqual(with_role["RestApi"]["Properties"]["Tags"], {"ApiGatewayAccountLogRole": "<ApiGatewayAccount>"})
        without = m.stack(ApiType="rest").resources()
        self.assertEqual(without["RestApi"]["Properties"]["Tags"], {"ApiGatewayAccountLogRole": "not-managed-by-this-stack"})
        self.assertNotIn("ApiGatewayAccount", without)


GATEWAY_RESPONSES = {
    # type: (code in the body, Retry-After)
    "DEFAULT_4XX": ("$context.error.responseType", None),
    "DEFAULT_5XX": ("SERVICE_UNAVAILABLE", "1"),
    "THROTTLED": ("TOO_MANY_REQUESTS", "1"),
    "REQUEST_TOO_LARGE": ("PAYLOAD_TOO_LARGE", None),
    "INTEGRATION_TIMEOUT": ("UPSTREAM_TIMEOUT", "1"),
    "WAF_FILTERED": ("REQUEST_BLOCKED", None),
}


def gateway_responses(**overrides):
    return rest_api(**overrides)["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]


class GatewayResponses(unittest.TestCase):
    """API Gateway's own answers on the REST variant: JSON like the function's, CORS like the function's."""

    def test_each_type_answers_in_the_functions_error_format(self):
        responses = gateway_responses(AllowedOrigins=c.ONE)
        self.assertEqual(set(responses), set(GATEWAY_RESPONSES))
        for kind, (code, retry_after) in GATEWAY_RESPONSES.items():
            with self.subTest(kind):
                template = responses[kind]["responseTemplates"]["application/json"]
                # The template is not VTL: API Gateway substitutes the $context variables only.
                body = json.loads(template.replace("$context.error.messageString", '"Too Many Requests"'))
                self.assertEqual(set(body["error"]), {"code", "message", "requestId"})
                self.assertEqual(body["error"]["code"], code)
                self.assertEqual(body["error"]["requestId"], "$context.requestId")
                params = responses[kind]["responseParameters"]
                self.assertEqual(params.get("gatewayresponse.header.Retry-After"), None if retry_after is None else f"'{retry_after}'")
                self.assertEqual(params["gatewayresponse.header.Access-Control-Expose-Headers"], "'retry-after'")
                self.assertEqual(params["gatewayresponse.header.Vary"], "'Origin'")
                self.assertFalse([k for k in params if "credentials" in k.lower()])
                self.assertNotIn("statusCode", responses[kind])  # API Gateway's own status stays

    def test_allow_origin_per_origin_shape(self):
        key = "gatewayresponse.header.Access-Control-Allow-Origin"
        cases = {
            ("any", "false"): "'*'",
            ("one", "false"): f"'{c.ONE}'",
            ("two", "true"): "method.request.header.Origin",
            ("two", "false"): None,
            ("none", "false"): None,
            ("none", "true"): None,
        }
        for (shape, with_waf), expected in cases.items():
            with self.subTest(shape=shape, waf=with_waf):
                for kind, response in gateway_responses(AllowedOrigins=c.ORIGIN_SHAPES[shape], EnableWaf=with_waf).items():
                    self.assertEqual(response["responseParameters"].get(key), expected, kind)

    def test_never_readable_by_more_pages_than_the_functions_answers(self):
        key = "gatewayresponse.header.Access-Control-Allow-Origin"
        for shape, origins in c.ORIGIN_SHAPES.items():
            for with_waf in ("true", "false"):
                with self.subTest(shape=shape, waf=with_waf):
                    allowed = c.function_readers(origins)
                    # Behind the WAF origin gate only allowed origins (and requests without one) reach API Gateway.
                    reaching = allowed if with_waf == "true" and origins != "*" else set(c.PROBES)
                    for kind, response in gateway_responses(AllowedOrigins=origins, EnableWaf=with_waf).items():
                        value = c.gateway_header(response["responseParameters"].get(key))
                        can_read = c.readers(value, reaching)
                        self.assertLessEqual(can_read, allowed, kind)
                        # And as many as a static header can serve: all of them except several origins without WAF.
                        if not (shape == "two" and with_waf == "false"):
                            self.assertEqual(can_read, allowed, kind)

    def test_stage_name_is_literal(self):
        # AWS::LanguageExtensions blanks parameter Refs in resources whose condition is false, and the SAM
        # transform still requires StageName, so a Ref here would break ApiType=http deployments.
        self.assertIsInstance(m.load_template()["Resources"]["RestApi"]["Properties"]["StageName"], str)


def access_log_fields(log_format):
    """An access log format as a dict; it must be one JSON object of "$context..." strings."""
    fields = json.loads(log_format)
    for name, value in fields.items():
        # Only context variables: never $input (the body), never a request header but the User-Agent.
        assert re.fullmatch(r"\$context\.[A-Za-z.]+", value), (name, value)
        assert "authorization" not in value.lower() and "header" not in value.lower(), (name, value)
        assert not value.startswith("$context.identity.") or value in (
            "$context.identity.sourceIp",
            "$context.identity.userAgent",
        ), (name, value)
    return fields


class Outputs(unittest.TestCase):
    def test_endpoint_urls_and_arns(self):
        raw = m.load_template()["Outputs"]
        self.assertEqual(
            raw["ChatEndpointUrl"]["Value"], {"Fn::Sub": "https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/chat"}
        )
        outputs = m.stack(ApiType="both").outputs()
        self.assertEqual(outputs["ChatEndpointUrl"], "https://<HttpApi>.execute-api.eu-west-2.amazonaws.com/chat")
        self.assertEqual(outputs["RestChatEndpointUrl"], "https://<RestApi>.execute-api.eu-west-2.amazonaws.com/prod/chat")
        self.assertEqual(outputs["StartChatFunctionArn"], "<StartChatFunction.Arn>")
        self.assertEqual(outputs["StartChatFunctionRoleArn"], "<StartChatFunctionRole.Arn>")
        self.assertEqual(outputs["SecretArn"], "<ServerSecret>")
        self.assertEqual(outputs["HttpApiAccessLogGroupName"], "<HttpApiAccessLogGroup>")
        self.assertEqual(outputs["RestApiAccessLogGroupName"], "<RestApiAccessLogGroup>")
        self.assertEqual(m.stack(ApiType="rest", EnableWaf="true").outputs()["WafLogGroupName"], "<WafLogGroup>")

    def test_push_routes_share_the_chat_endpoint_url(self):
        # A mobile app posts to <ChatEndpointUrl>/push-registrations: the routes live under /chat.
        for api in (http_api(), rest_api()):
            self.assertTrue(all(path.startswith("/chat") for path in api["DefinitionBody"]["paths"]))

    def test_outputs_follow_the_api_type(self):
        self.assertNotIn("RestChatEndpointUrl", m.stack(ApiType="http").outputs())
        self.assertNotIn("ChatEndpointUrl", m.stack(ApiType="rest").outputs())


if __name__ == "__main__":
    unittest.main()
