"""HTTP API, REST variant, CORS, throttling, WAF, alarms and outputs."""

import unittest

import cfn_model as m

CHAT_URI = "arn:aws:apigateway:eu-west-2:lambda:path/2015-03-31/functions/<StartChatFunction.Arn>/invocations"


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
                self.assertEqual(permissions, {f"{a}InvokePermission" for a in apis})
        self.assertEqual(m.load_template()["Parameters"]["ApiType"]["Default"], "http")


class HttpApi(unittest.TestCase):
    def test_routes_post_and_options_to_the_function_with_payload_v2(self):
        paths = http_api()["DefinitionBody"]["paths"]
        self.assertEqual(set(paths), {"/chat"})
        self.assertEqual(set(paths["/chat"]), {"post", "options"})
        for method in ("post", "options"):
            integration = paths["/chat"][method]["x-amazon-apigateway-integration"]
            self.assertEqual(integration["type"], "aws_proxy")
            self.assertEqual(integration["uri"], CHAT_URI)
            self.assertEqual(integration["payloadFormatVersion"], "2.0")

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
        self.assertEqual(sorted(cors["AllowMethods"]), ["OPTIONS", "POST"])
        self.assertIn("content-type", [h.lower() for h in cors["AllowHeaders"]])
        self.assertIs(cors["AllowCredentials"], False)
        self.assertEqual(cors["MaxAge"], "300")

    def test_stage_throttling_from_parameters(self):
        raw = m.load_template()["Resources"]["HttpApi"]["Properties"]["DefaultRouteSettings"]
        self.assertEqual(raw["ThrottlingRateLimit"], {"Ref": "ApiThrottlingRateLimit"})
        self.assertEqual(raw["ThrottlingBurstLimit"], {"Ref": "ApiThrottlingBurstLimit"})
        settings = http_api()["DefaultRouteSettings"]
        self.assertEqual((settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]), ("5", "8"))

    def test_access_logs_go_to_a_log_group_with_retention(self):
        stack = m.stack(LogRetentionInDays="14")
        props = stack.resources()["HttpApi"]["Properties"]
        self.assertEqual(props["AccessLogSettings"]["DestinationArn"], "<HttpApiAccessLogGroup.Arn>")
        self.assertEqual(stack.resources()["HttpApiAccessLogGroup"]["Properties"]["RetentionInDays"], "14")


class RestApi(unittest.TestCase):
    def test_rest_variant_proxies_post_and_options_with_payload_v1(self):
        props = rest_api()
        paths = props["DefinitionBody"]["paths"]
        self.assertEqual(set(paths["/chat"]), {"post", "options"})
        for method in ("post", "options"):
            integration = paths["/chat"][method]["x-amazon-apigateway-integration"]
            self.assertEqual(integration["type"], "aws_proxy")
            self.assertEqual(integration["httpMethod"], "POST")
            self.assertEqual(integration["uri"], CHAT_URI)
            self.assertNotIn("payloadFormatVersion", integration)  # REST proxy integrations are payload 1.0
        self.assertEqual(props["EndpointConfiguration"]["Type"], "REGIONAL")

    def test_stage_throttling_from_parameters(self):
        raw = m.load_template()["Resources"]["RestApi"]["Properties"]["MethodSettings"]
        self.assertEqual(len(raw), 1)
        self.assertEqual(raw[0]["ResourcePath"], "/*")
        self.assertEqual(raw[0]["HttpMethod"], "*")
        self.assertEqual(raw[0]["ThrottlingRateLimit"], {"Ref": "ApiThrottlingRateLimit"})
        self.assertEqual(raw[0]["ThrottlingBurstLimit"], {"Ref": "ApiThrottlingBurstLimit"})
        settings = rest_api(ApiThrottlingRateLimit="7", ApiThrottlingBurstLimit="11")["MethodSettings"][0]
        self.assertEqual((settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]), ("7", "11"))

    def test_gateway_errors_are_json_with_cors_for_an_allowed_origin_only(self):
        responses = rest_api(AllowedOrigins="https://www.example.com,https://example.com")["DefinitionBody"][
            "x-amazon-apigateway-gateway-responses"
        ]
        for kind in ("DEFAULT_4XX", "DEFAULT_5XX"):
            self.assertIn("application/json", responses[kind]["responseTemplates"])
            self.assertEqual(
                responses[kind]["responseParameters"]["gatewayresponse.header.Access-Control-Allow-Origin"],
                "'https://www.example.com'",
            )
        empty = rest_api()["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]
        for kind in ("DEFAULT_4XX", "DEFAULT_5XX"):
            self.assertNotIn("responseParameters", empty[kind])

    def test_stage_name_is_literal(self):
        # AWS::LanguageExtensions blanks parameter Refs in resources whose condition is false, and the SAM
        # transform still requires StageName, so a Ref here would break ApiType=http deployments.
        self.assertIsInstance(m.load_template()["Resources"]["RestApi"]["Properties"]["StageName"], str)


class Waf(unittest.TestCase):
    def test_waf_is_off_by_default(self):
        for api_type in ("http", "rest", "both"):
            resources = m.stack(ApiType=api_type).resources()
            self.assertFalse([r for r in resources.values() if r["Type"].startswith("AWS::WAFv2::")])

    def test_waf_protects_the_rest_stage_with_a_per_ip_rate_rule(self):
        resources = m.stack(ApiType="both", EnableWaf="true", WafRateLimitPerIp="250").resources()
        acl = resources["WebAcl"]["Properties"]
        self.assertEqual(acl["Scope"], "REGIONAL")
        rate_rules = [r for r in acl["Rules"] if "RateBasedStatement" in r["Statement"]]
        self.assertEqual(len(rate_rules), 1)
        statement = rate_rules[0]["Statement"]["RateBasedStatement"]
        self.assertEqual(statement["AggregateKeyType"], "IP")
        self.assertEqual(statement["Limit"], "250")
        self.assertIn("Block", rate_rules[0]["Action"])
        association = resources["WebAclAssociation"]["Properties"]
        self.assertEqual(association["WebACLArn"], "<WebAcl.Arn>")
        self.assertEqual(association["ResourceArn"], "arn:aws:apigateway:eu-west-2::/restapis/<RestApi>/stages/<RestApi.Stage>")

    def test_waf_with_http_only_is_refused_before_deployment(self):
        rule = m.load_template()["Rules"]["WafNeedsRestApi"]
        self.assertEqual(rule["RuleCondition"], {"Fn::Equals": [{"Ref": "EnableWaf"}, "true"]})
        self.assertEqual(rule["Assertions"][0]["Assert"], {"Fn::Not": [{"Fn::Equals": [{"Ref": "ApiType"}, "http"]}]})
        self.assertNotIn("WebAcl", m.stack(ApiType="http", EnableWaf="true").resources())


class Alarms(unittest.TestCase):
    def alarms(self, **overrides):
        return m.stack(**overrides).of_type("AWS::CloudWatch::Alarm")

    def test_alarm_set(self):
        alarms = self.alarms(MetricsNamespace="Chat/Prod")
        by_metric = {(a["Properties"]["Namespace"], a["Properties"]["MetricName"]) for a in alarms.values()}
        self.assertEqual(
            by_metric,
            {("AWS/Lambda", "Errors"), ("AWS/Lambda", "Throttles"), ("Chat/Prod", "ConnectThrottled"), ("Chat/Prod", "ConnectFailed")},
        )
        for alarm in alarms.values():
            self.assertEqual(alarm["Properties"]["Dimensions"], [{"Name": "FunctionName", "Value": "<StartChatFunction>"}])

    def test_emf_alarms_use_the_namespace_parameter(self):
        raw = m.load_template()["Resources"]
        for name in ("ConnectThrottledAlarm", "ConnectFailedAlarm"):
            self.assertEqual(raw[name]["Properties"]["Namespace"], {"Ref": "MetricsNamespace"})

    def test_alarms_switch_and_topic(self):
        self.assertEqual(self.alarms(EnableAlarms="false"), {})
        topic = "arn:aws:sns:eu-west-2:123456789012:oncall"
        for alarm in self.alarms(AlarmTopicArn=topic).values():
            self.assertEqual(alarm["Properties"]["AlarmActions"], [topic])
            self.assertEqual(alarm["Properties"]["OKActions"], [topic])
        for alarm in self.alarms().values():
            self.assertNotIn("AlarmActions", alarm["Properties"])


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

    def test_outputs_follow_the_api_type(self):
        self.assertNotIn("RestChatEndpointUrl", m.stack(ApiType="http").outputs())
        self.assertNotIn("ChatEndpointUrl", m.stack(ApiType="rest").outputs())


if __name__ == "__main__":
    unittest.main()
