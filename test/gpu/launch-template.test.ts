import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { GPU_AMI_TYPES } from "../../lib/gpu/catalogue";
import { blockDevices, launchTemplateSpec } from "../../lib/gpu/launch-template";

describe("GPU launch template", () => {
  for (const amiType of GPU_AMI_TYPES) {
    it(`encrypts every gp3 volume for ${amiType}, with or without a customer key`, () => {
      for (const kmsKeyArn of [undefined, "arn:aws:kms:us-east-1:123456789012:key/k"]) {
        const devices = blockDevices({ amiType, diskSizeGiB: 300, kmsKeyArn, tags: {} });
        assert.ok(devices.length > 0);
        for (const d of devices) {
          assert.equal(d.ebs.encrypted, "true");
          assert.equal(d.ebs.volumeType, "gp3");
          assert.equal(d.ebs.kmsKeyId, kmsKeyArn);
        }
        assert.equal(devices.filter((d) => d.ebs.volumeSize === 300).length, 1);
      }
    });
  }

  it("puts the size on Bottlerocket's data volume, not its OS volume", () => {
    const devices = blockDevices({ amiType: "BOTTLEROCKET_x86_64_NVIDIA", diskSizeGiB: 250, tags: {} });
    assert.deepEqual(devices.map((d) => [d.deviceName, d.ebs.volumeSize]), [["/dev/xvda", undefined], ["/dev/xvdb", 250]]);
  });

  it("puts the size on AL2023's root volume", () => {
    const devices = blockDevices({ amiType: "AL2023_x86_64_NVIDIA", diskSizeGiB: 200, tags: {} });
    assert.deepEqual(devices.map((d) => [d.deviceName, d.ebs.volumeSize]), [["/dev/xvda", 200]]);
  });

  it("requires IMDSv2 and keeps pods one hop too far from it", () => {
    const spec = launchTemplateSpec({ amiType: "AL2023_ARM_64_NVIDIA", diskSizeGiB: 200, tags: { team: "ml" } });
    assert.deepEqual(spec.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" });
    assert.deepEqual(spec.tagSpecifications, [
      { resourceType: "instance", tags: { team: "ml" } },
      { resourceType: "volume", tags: { team: "ml" } },
    ]);
  });
});
