package dev.filesapi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Lints and renders the Helm chart in {@code helm/files-api} with Helm's own library (helm-java,
 * in-process; no helm binary, no cluster) and checks the rendered manifests.
 */
class HelmChartTest {

  private static final Path CHART = Path.of("helm", "files-api");
  private static final Path PRODUCTION_VALUES =
      Path.of("src", "test", "resources", "helm", "production-values.yaml");
  private static final String RELEASE = "files";
  private static final String FULLNAME = "files-files-api";
  private static final YAMLMapper YAML = new YAMLMapper();

  @Test
  void lintsCleanInStrictMode() {
    LintResult result = new Helm(CHART).lint().strict().call();

    assertThat(result.getMessages())
        .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
  }

  @Test
  void defaultValuesRenderAHardenedDeploymentAndAService() throws IOException {
    Map<String, JsonNode> manifests = render(t -> t);

    assertThat(manifests.keySet())
        .contains(
            "ConfigMap/" + FULLNAME,
            "Deployment/" + FULLNAME,
            "Service/" + FULLNAME,
            "ServiceAccount/" + FULLNAME,
            // Two replicas by default, so a PodDisruptionBudget keeps one up during drains.
            "PodDisruptionBudget/" + FULLNAME)
        .noneMatch(k -> k.startsWith("Ingress/") || k.startsWith("HorizontalPodAutoscaler/"));

    JsonNode deployment = manifests.get("Deployment/" + FULLNAME);
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
    JsonNode pod = deployment.at("/spec/template/spec");
    JsonNode container = pod.at("/containers/0");
    assertThat(container.at("/image").asText()).isEqualTo("files-api:0.1.0");
    assertThat(container.at("/ports/0/name").asText()).isEqualTo("http");
    assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
    assertThat(container.at("/startupProbe/httpGet/path").asText()).isNotEmpty();
    assertThat(container.at("/resources/requests/cpu").asText()).isEqualTo("250m");
    assertThat(container.at("/resources/requests/memory").asText()).isEqualTo("384Mi");
    // The limit checks/container/run.sh runs the image with (BENCHMARKS.md, Container).
    assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("384Mi");

    JsonNode security = container.at("/securityContext");
    assertThat(security.at("/runAsNonRoot").asBoolean()).isTrue();
    // The images' user (Dockerfile.jvm and Dockerfile.native), as checks/container/run.sh runs
    // them.
    assertThat(security.at("/runAsUser").asInt()).isEqualTo(185);
    assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(185);
    assertThat(security.at("/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(security.at("/allowPrivilegeEscalation").isBoolean()).isTrue();
    assertThat(security.at("/allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(security.at("/capabilities/drop/0").asText()).isEqualTo("ALL");
    assertThat(security.at("/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();

    // The simple upload spools forms under /tmp, and the root filesystem is read-only.
    assertThat(container.at("/volumeMounts/0/mountPath").asText()).isEqualTo("/tmp");
    String tmpVolume = container.at("/volumeMounts/0/name").asText();
    assertThat(pod.at("/volumes/0/name").asText()).isEqualTo(tmpVolume);
    assertThat(pod.at("/volumes/0/emptyDir").isObject()).isTrue();

    Map<String, JsonNode> env = env(container);
    assertThat(env.get("FILES_EMBEDDED").at("/value").asText()).isEqualTo("false");
    // No S3 secret: the AWS default chain (IRSA, instance role) stays in charge.
    assertThat(env).doesNotContainKey("QUARKUS_S3_AWS_CREDENTIALS_TYPE");
    assertThat(env.values()).noneMatch(e -> e.has("valueFrom"));
    assertThat(container.at("/envFrom/0/configMapRef/name").asText()).isEqualTo(FULLNAME);

    // Empty settings are left out, so the service's own defaults apply.
    JsonNode config = manifests.get("ConfigMap/" + FULLNAME).at("/data");
    assertThat(config.has("FILES_STORAGE_BUCKET")).isFalse();
    assertThat(config.at("/QUARKUS_S3_AWS_REGION").asText()).isEqualTo("us-east-1");
    assertThat(config.at("/FILES_UPLOAD_PART_SIZE").asText()).isEqualTo("8M");

    // Shutdown: preStop sleep, then the service's drain delay and shutdown timeout, all within
    // the grace period.
    assertThat(container.at("/lifecycle/preStop/exec/command/0").asText()).isEqualTo("sleep");
    int preStop = container.at("/lifecycle/preStop/exec/command/1").asInt();
    assertThat(preStop).isEqualTo(5);
    assertThat(config.at("/QUARKUS_SHUTDOWN_DELAY").asText()).isEqualTo("5s");
    assertThat(config.at("/QUARKUS_SHUTDOWN_TIMEOUT").asText()).isEqualTo("30s");
    assertThat(pod.at("/terminationGracePeriodSeconds").asInt())
        .isGreaterThan(preStop + 5 + 30)
        .isEqualTo(45);

    JsonNode annotations = deployment.at("/spec/template/metadata/annotations");
    assertThat(annotations.at("/prometheus.io~1scrape").asText()).isEqualTo("true");
    assertThat(annotations.at("/prometheus.io~1path").asText()).isEqualTo("/q/metrics");
    assertThat(annotations.at("/prometheus.io~1port").asText()).isEqualTo("8080");

    JsonNode service = manifests.get("Service/" + FULLNAME).at("/spec");
    assertThat(service.at("/type").asText()).isEqualTo("ClusterIP");
    assertThat(service.at("/ports/0/name").asText()).isEqualTo("http");
    assertThat(service.at("/ports/0/port").asInt()).isEqualTo(80);
    assertThat(service.at("/ports/0/targetPort").asText()).isEqualTo("http");
    assertThat(service.at("/selector")).isEqualTo(deployment.at("/spec/selector/matchLabels"));
  }

  @Test
  void ingressAutoscalerAndDisruptionBudgetRenderWhenEnabled() throws IOException {
    Map<String, JsonNode> manifests =
        render(
            t ->
                t.set("ingress.enabled", true)
                    .set("ingress.className", "nginx")
                    .set("ingress.hosts[0].host", "files.example.org")
                    .set("ingress.hosts[0].paths[0].path", "/")
                    .set("ingress.hosts[0].paths[0].pathType", "Prefix")
                    .set("ingress.tls[0].secretName", "files-tls")
                    .set("ingress.tls[0].hosts[0]", "files.example.org")
                    .set("autoscaling.enabled", true)
                    .set("autoscaling.maxReplicas", 6));

    JsonNode ingress = manifests.get("Ingress/" + FULLNAME);
    assertThat(ingress).isNotNull();
    assertThat(ingress.at("/apiVersion").asText()).isEqualTo("networking.k8s.io/v1");
    assertThat(ingress.at("/spec/ingressClassName").asText()).isEqualTo("nginx");
    assertThat(ingress.at("/spec/rules/0/host").asText()).isEqualTo("files.example.org");
    JsonNode backend = ingress.at("/spec/rules/0/http/paths/0/backend/service");
    assertThat(backend.at("/name").asText()).isEqualTo(FULLNAME);
    assertThat(backend.at("/port/name").asText()).isEqualTo("http");
    assertThat(ingress.at("/spec/tls/0/secretName").asText()).isEqualTo("files-tls");

    JsonNode hpa = manifests.get("HorizontalPodAutoscaler/" + FULLNAME);
    assertThat(hpa).isNotNull();
    assertThat(hpa.at("/apiVersion").asText()).isEqualTo("autoscaling/v2");
    assertThat(hpa.at("/spec/scaleTargetRef/kind").asText()).isEqualTo("Deployment");
    assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo(FULLNAME);
    assertThat(hpa.at("/spec/minReplicas").asInt()).isEqualTo(2);
    assertThat(hpa.at("/spec/maxReplicas").asInt()).isEqualTo(6);
    assertThat(hpa.at("/spec/metrics/0/resource/name").asText()).isEqualTo("cpu");
    assertThat(hpa.at("/spec/metrics/0/resource/target/averageUtilization").asInt()).isEqualTo(70);

    JsonNode pdb = manifests.get("PodDisruptionBudget/" + FULLNAME);
    assertThat(pdb).isNotNull();
    assertThat(pdb.at("/spec/minAvailable").asInt()).isEqualTo(1);

    // The autoscaler owns the replica count.
    assertThat(manifests.get("Deployment/" + FULLNAME).at("/spec").has("replicas")).isFalse();
  }

  @Test
  void aSingleReplicaHasNoDisruptionBudget() throws IOException {
    Map<String, JsonNode> manifests = render(t -> t.set("replicaCount", 1));

    assertThat(manifests.get("Deployment/" + FULLNAME).at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(manifests.keySet()).noneMatch(k -> k.startsWith("PodDisruptionBudget/"));
  }

  @Test
  void secretReferencesBecomeSecretKeyRefs() throws IOException {
    Map<String, JsonNode> manifests = render(t -> t.withValuesFile(PRODUCTION_VALUES));

    JsonNode container =
        manifests.get("Deployment/" + FULLNAME).at("/spec/template/spec/containers/0");
    Map<String, JsonNode> env = env(container);
    assertSecretRef(env, "QUARKUS_DATASOURCE_USERNAME", "files-api-db", "username");
    assertSecretRef(env, "QUARKUS_DATASOURCE_PASSWORD", "files-api-db", "password");
    assertSecretRef(
        env,
        "QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID",
        "files-api-s3",
        "AWS_ACCESS_KEY_ID");
    assertSecretRef(
        env,
        "QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY",
        "files-api-s3",
        "AWS_SECRET_ACCESS_KEY");
    assertSecretRef(env, "FILES_BOOTSTRAP_API_KEY", "files-api-keys", "bootstrap");
    assertSecretRef(env, "FILES_ADMIN_TOKEN", "files-api-keys", "admin");
    assertThat(env.get("QUARKUS_S3_AWS_CREDENTIALS_TYPE").at("/value").asText())
        .isEqualTo("static");
    assertThat(env.get("FILES_EMBEDDED").at("/value").asText()).isEqualTo("false");
    assertThat(env.get("QUARKUS_LOG_LEVEL").at("/value").asText()).isEqualTo("DEBUG");
    assertThat(
            manifests
                .get("Deployment/" + FULLNAME)
                .at("/spec/template/spec/volumes/0/emptyDir/sizeLimit")
                .asText())
        .isEqualTo("4Gi");
    // IRSA: the role goes on the ServiceAccount the pods run as.
    assertThat(
            manifests
                .get("ServiceAccount/" + FULLNAME)
                .at("/metadata/annotations/eks.amazonaws.com~1role-arn")
                .asText())
        .endsWith(":role/files-api");

    JsonNode config = manifests.get("ConfigMap/" + FULLNAME).at("/data");
    assertThat(config.at("/QUARKUS_DATASOURCE_JDBC_URL").asText())
        .isEqualTo("jdbc:postgresql://postgres:5432/files");
    assertThat(config.at("/FILES_STORAGE_BUCKET").asText()).isEqualTo("files");
    assertThat(config.at("/QUARKUS_S3_ENDPOINT_OVERRIDE").asText()).isEqualTo("http://minio:9000");
    assertThat(config.at("/QUARKUS_S3_PATH_STYLE_ACCESS").asText()).isEqualTo("true");
    assertThat(config.at("/FILES_QUOTA_MAX_FILE_BYTES").asText()).isEqualTo("250000000000");
    // ConfigMap data must be strings, or the API server refuses the object.
    config.fields().forEachRemaining(f -> assertThat(f.getValue().isTextual()).isTrue());
    // Secrets never end up in the ConfigMap.
    assertThat(config.toString()).doesNotContain("PASSWORD", "SECRET", "TOKEN", "API_KEY");
  }

  private static void assertSecretRef(
      Map<String, JsonNode> env, String variable, String secret, String key) {
    assertThat(env).containsKey(variable);
    JsonNode ref = env.get(variable).at("/valueFrom/secretKeyRef");
    assertThat(ref.at("/name").asText()).as(variable).isEqualTo(secret);
    assertThat(ref.at("/key").asText()).as(variable).isEqualTo(key);
  }

  private static Map<String, JsonNode> env(JsonNode container) {
    Map<String, JsonNode> env = new HashMap<>();
    container.at("/env").forEach(e -> env.put(e.at("/name").asText(), e));
    return env;
  }

  /** Renders the chart and returns its manifests by "Kind/name". */
  private static Map<String, JsonNode> render(UnaryOperator<TemplateCommand> options)
      throws IOException {
    String rendered = options.apply(new Helm(CHART).template().withName(RELEASE)).call();
    // A value the templates read but values.yaml lacks renders as "<no value>".
    assertThat(rendered).doesNotContain("<no value>");
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(rendered)) {
      while (it.hasNext()) {
        Optional.ofNullable(it.next()).filter(JsonNode::isObject).ifPresent(documents::add);
      }
    }
    Map<String, JsonNode> manifests = new HashMap<>();
    for (JsonNode document : documents) {
      String key = document.at("/kind").asText() + "/" + document.at("/metadata/name").asText();
      assertThat(manifests.put(key, document)).as("duplicate %s", key).isNull();
    }
    return manifests;
  }
}
