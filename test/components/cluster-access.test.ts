import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mockRuntime, valueOf } from "../support/harness";

describe("cluster access", async () => {
  const h = await mockRuntime({ region: "us-west-2" });
  const { ClusterAccess, kubeconfigFor } = await import("../../components/cluster-access");

  // GIVEN two private subnets WHEN a new cluster is planned
  const created = new ClusterAccess("gpu", { create: { subnetIds: ["subnet-a", "subnet-b"], clusterName: "ml-gpu" }, tags: { team: "ml" } });
  // GIVEN an existing cluster WHEN the platform attaches to it
  const attached = new ClusterAccess("shared", {
    existing: { clusterName: "shared-prod", oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/x", nodeRoleArn: "arn:aws:iam::123456789012:role/nodes" },
  });
  await h.settle();
  const component = (n: string) => h.named("ml-gitops:platform:ClusterAccess", n);

  it("creates an EKS cluster with private endpoint, envelope encryption, access entries and audit logs", () => {
    const cluster = h.named("aws:eks/cluster:Cluster", "gpu-cluster");
    assert.equal(cluster.props.name, "ml-gpu");
    assert.equal(cluster.props.version, "1.34");
    assert.deepEqual(cluster.props.vpcConfig, { subnetIds: ["subnet-a", "subnet-b"], endpointPrivateAccess: true, endpointPublicAccess: false });
    const encryption = cluster.props.encryptionConfig as { provider: { keyArn: string }; resources: string[] };
    assert.deepEqual(encryption.resources, ["secrets"]);
    assert.match(encryption.provider.keyArn, /^arn:aws:kms:us-west-2:/);
    assert.deepEqual(cluster.props.accessConfig, { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true });
    assert.deepEqual(cluster.props.enabledClusterLogTypes, ["api", "audit", "authenticator"]);
    assert.equal(h.named("aws:kms/key:Key", "gpu-secrets-key").props.enableKeyRotation, true);
  });

  it("protects the cluster and gives it EKS-sized timeouts", () => {
    const o = h.named("aws:eks/cluster:Cluster", "gpu-cluster").options;
    assert.equal(o.protect, true);
    assert.deepEqual(o.customTimeouts, { create: "30m", update: "60m", delete: "20m" });
  });

  it("trusts EKS with the cluster role and EC2 with the node role, with the managed policies EKS needs", () => {
    const trust = (n: string) => JSON.parse(String(h.named("aws:iam/role:Role", n).props.assumeRolePolicy)).Statement[0].Principal.Service;
    assert.equal(trust("gpu-cluster-role"), "eks.amazonaws.com");
    assert.equal(trust("gpu-node-role"), "ec2.amazonaws.com");
    const attached = h.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((r) => [r.name, r.props.policyArn]);
    assert.deepEqual(attached, [
      ["gpu-cluster-policy", "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"],
      ["gpu-node-worker-policy", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"],
      ["gpu-node-ecr-policy", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"],
      ["gpu-node-cni-policy", "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"],
    ]);
  });

  it("registers the cluster's OIDC issuer with IAM for the STS audience", () => {
    const oidc = h.named("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "gpu-oidc");
    assert.match(String(oidc.props.url), /^https:\/\/oidc\.eks\.us-west-2\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
    assert.deepEqual(oidc.props.clientIdLists, ["sts.amazonaws.com"]);
    const outputs = component("gpu").outputs ?? {};
    assert.equal(outputs.oidcIssuer, String(oidc.props.url).replace("https://", ""));
    assert.equal(outputs.oidcProviderArn, `arn:aws:iam::123456789012:oidc-provider/${String(outputs.oidcIssuer)}`);
  });

  it("builds an exec-based kubeconfig with no static credential and a provider from it", async () => {
    const config = JSON.parse(await valueOf(created.kubeconfig));
    assert.deepEqual(config.users[0].user, {
      exec: {
        apiVersion: "client.authentication.k8s.io/v1beta1",
        command: "aws",
        args: ["eks", "get-token", "--cluster-name", "ml-gpu", "--region", "us-west-2", "--output", "json"],
        interactiveMode: "Never",
      },
    });
    const provider = h.named("pulumi:providers:kubernetes", "gpu-k8s");
    assert.equal(provider.parent, component("gpu").urn);
    assert.ok(provider.secretPaths.includes("kubeconfig"), "the kubeconfig is stored as a secret");
  });

  it("attaches to an existing cluster without creating AWS resources", async () => {
    const mine = h.resources.filter((r) => r.parent === component("shared").urn).map((r) => r.type);
    assert.deepEqual(mine, ["pulumi:providers:kubernetes"]);
    assert.equal(await valueOf(attached.clusterName), "shared-prod");
    assert.equal(await valueOf(attached.nodeRoleArn), "arn:aws:iam::123456789012:role/nodes");
    assert.match(await valueOf(attached.oidcIssuer), /^oidc\.eks\.us-west-2\.amazonaws\.com\/id\//);
  });

  it("registers every output", () => {
    assert.deepEqual(Object.keys(component("gpu").outputs ?? {}).sort(), ["clusterName", "endpoint", "kubeconfig", "nodeRoleArn", "oidcIssuer", "oidcProviderArn", "provider"]);
  });

  it("refuses a public endpoint without CIDRs, a world CIDR, one subnet and a bad version at once", () => {
    assert.throws(
      () => new ClusterAccess("bad", { create: { subnetIds: ["subnet-a"], kubernetesVersion: "v1.34", endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0", "10.0.0.0/33"] } }),
      {
        message: [
          "ClusterAccess bad: 4 problems",
          '  - create.subnetIds: lists one subnet, but EKS places a created cluster in at least two availability zones (got ["subnet-a"]). List private subnets of the VPC in at least two availability zones.',
          '  - create.kubernetesVersion: is not an EKS Kubernetes version (got "v1.34"). Write major.minor, e.g. "1.34".',
          '  - create.publicAccessCidrs[0]: opens the API endpoint to the whole internet (got "0.0.0.0/0"). List the CIDRs of your offices and CI runners.',
          '  - create.publicAccessCidrs[1]: is not an IPv4 CIDR (got "10.0.0.0/33"). Write it as a.b.c.d/n.',
        ].join("\n"),
      },
    );
    assert.throws(() => new ClusterAccess("none", { create: { subnetIds: ["a", "b"], endpointPublicAccess: true } }), /create\.publicAccessCidrs: is empty while the public endpoint is on/);
  });

  it("writes the kubeconfig's cluster and context from the cluster name", () => {
    const config = JSON.parse(kubeconfigFor({ clusterName: "c", endpoint: "https://e", certificateAuthorityData: "Q0E=", region: "eu-west-1" }));
    assert.deepEqual(config.clusters, [{ name: "c", cluster: { server: "https://e", "certificate-authority-data": "Q0E=" } }]);
    assert.equal(config["current-context"], "c");
  });
});
