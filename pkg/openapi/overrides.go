package openapi

// listType is the structured-merge-diff list semantics of one field.
type listType struct {
	listType string   // atomic, set or map
	keys     []string // key fields of a map list
}

// listTypeOverrides returns the list semantics upstream declares with
// +listType/+listMapKey comments, which reflection cannot see, keyed by
// "<definition name>.<json field>". Only fields where the patch tags alone
// would give a different answer are listed; TestUpstreamMergeSemantics
// keeps the table in step with k8s.io/api.
func listTypeOverrides() map[string]listType {
	return map[string]listType{
		"io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyBindingSpec.validationActions":       {listType: "set"},
		"io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyStatus.conditions":                   {listType: "map", keys: []string{"type"}},
		"io.k8s.api.admissionregistration.v1alpha1.ValidatingAdmissionPolicyBindingSpec.validationActions": {listType: "set"},
		"io.k8s.api.admissionregistration.v1alpha1.ValidatingAdmissionPolicyStatus.conditions":             {listType: "map", keys: []string{"type"}},
		"io.k8s.api.admissionregistration.v1beta1.ValidatingAdmissionPolicyBindingSpec.validationActions":  {listType: "set"},
		"io.k8s.api.admissionregistration.v1beta1.ValidatingAdmissionPolicyStatus.conditions":              {listType: "map", keys: []string{"type"}},
		"io.k8s.api.apiserverinternal.v1alpha1.ServerStorageVersion.decodableVersions":                     {listType: "set"},
		"io.k8s.api.apiserverinternal.v1alpha1.ServerStorageVersion.servedVersions":                        {listType: "set"},
		"io.k8s.api.apiserverinternal.v1alpha1.StorageVersionStatus.conditions":                            {listType: "map", keys: []string{"type"}},
		"io.k8s.api.apiserverinternal.v1alpha1.StorageVersionStatus.storageVersions":                       {listType: "map", keys: []string{"apiServerID"}},
		"io.k8s.api.batch.v1.JobStatus.conditions":                                                         {listType: "atomic"},
		"io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement.values":                                {listType: "set"},
		"io.k8s.api.batch.v1.UncountedTerminatedPods.failed":                                               {listType: "set"},
		"io.k8s.api.batch.v1.UncountedTerminatedPods.succeeded":                                            {listType: "set"},
		"io.k8s.api.certificates.v1.CertificateSigningRequestStatus.conditions":                            {listType: "map", keys: []string{"type"}},
		"io.k8s.api.certificates.v1beta1.CertificateSigningRequestStatus.conditions":                       {listType: "map", keys: []string{"type"}},
		"io.k8s.api.core.v1.Container.ports":                                                               {listType: "map", keys: []string{"containerPort", "protocol"}},
		"io.k8s.api.core.v1.ContainerRestartRuleOnExitCodes.values":                                        {listType: "set"},
		"io.k8s.api.core.v1.EphemeralContainer.ports":                                                      {listType: "map", keys: []string{"containerPort", "protocol"}},
		"io.k8s.api.core.v1.NodeAllocatableResourceClaimStatus.containers":                                 {listType: "set"},
		"io.k8s.api.core.v1.NodePodPreemptionPolicy.disableResizePreemption":                               {listType: "set"},
		"io.k8s.api.core.v1.PodSpec.topologySpreadConstraints":                                             {listType: "map", keys: []string{"topologyKey", "whenUnsatisfiable"}},
		"io.k8s.api.core.v1.PodStatus.hostIPs":                                                             {listType: "atomic"},
		"io.k8s.api.core.v1.PodStatus.volumeHealth":                                                        {listType: "map", keys: []string{"name"}},
		"io.k8s.api.core.v1.PodVolumeHealth.healthConditions":                                              {listType: "map", keys: []string{"status", "reason"}},
		"io.k8s.api.core.v1.ResourceRequirements.claims":                                                   {listType: "map", keys: []string{"name"}},
		"io.k8s.api.core.v1.ResourceStatus.resources":                                                      {listType: "map", keys: []string{"resourceID"}},
		"io.k8s.api.core.v1.ServiceSpec.ports":                                                             {listType: "map", keys: []string{"port", "protocol"}},
		"io.k8s.api.core.v1.VolumeHealthStatus.healthConditions":                                           {listType: "map", keys: []string{"status", "reason"}},
		"io.k8s.api.core.v1.VolumeMount.bindMountOptions":                                                  {listType: "set"},
		"io.k8s.api.discovery.v1.Endpoint.addresses":                                                       {listType: "set"},
		"io.k8s.api.discovery.v1beta1.Endpoint.addresses":                                                  {listType: "set"},
		"io.k8s.api.flowcontrol.v1.NonResourcePolicyRule.nonResourceURLs":                                  {listType: "set"},
		"io.k8s.api.flowcontrol.v1.NonResourcePolicyRule.verbs":                                            {listType: "set"},
		"io.k8s.api.flowcontrol.v1.ResourcePolicyRule.apiGroups":                                           {listType: "set"},
		"io.k8s.api.flowcontrol.v1.ResourcePolicyRule.namespaces":                                          {listType: "set"},
		"io.k8s.api.flowcontrol.v1.ResourcePolicyRule.resources":                                           {listType: "set"},
		"io.k8s.api.flowcontrol.v1.ResourcePolicyRule.verbs":                                               {listType: "set"},
		"io.k8s.api.flowcontrol.v1beta1.FlowSchemaStatus.conditions":                                       {listType: "map", keys: []string{"type"}},
		"io.k8s.api.flowcontrol.v1beta1.NonResourcePolicyRule.nonResourceURLs":                             {listType: "set"},
		"io.k8s.api.flowcontrol.v1beta1.NonResourcePolicyRule.verbs":                                       {listType: "set"},
		"io.k8s.api.flowcontrol.v1beta1.PriorityLevelConfigurationStatus.conditions":                       {listType: "map", keys: []string{"type"}},
		"io.k8s.api.flowcontrol.v1beta1.ResourcePolicyRule.apiGroups":                                      {listType: "set"},
		"io.k8s.api.flowcontrol.v1beta1.ResourcePolicyRule.namespaces":                                     {listType: "set"},
		"io.k8s.api.flowcontrol.v1beta1.ResourcePolicyRule.resources":                                      {listType: "set"},
		"io.k8s.api.flowcontrol.v1beta1.ResourcePolicyRule.verbs":                                          {listType: "set"},
		"io.k8s.api.flowcontrol.v1beta2.FlowSchemaStatus.conditions":                                       {listType: "map", keys: []string{"type"}},
		"io.k8s.api.flowcontrol.v1beta2.NonResourcePolicyRule.nonResourceURLs":                             {listType: "set"},
		"io.k8s.api.flowcontrol.v1beta2.NonResourcePolicyRule.verbs":                                       {listType: "set"},
		"io.k8s.api.flowcontrol.v1beta2.PriorityLevelConfigurationStatus.conditions":                       {listType: "map", keys: []string{"type"}},
		"io.k8s.api.flowcontrol.v1beta2.ResourcePolicyRule.apiGroups":                                      {listType: "set"},
		"io.k8s.api.flowcontrol.v1beta2.ResourcePolicyRule.namespaces":                                     {listType: "set"},
		"io.k8s.api.flowcontrol.v1beta2.ResourcePolicyRule.resources":                                      {listType: "set"},
		"io.k8s.api.flowcontrol.v1beta2.ResourcePolicyRule.verbs":                                          {listType: "set"},
		"io.k8s.api.flowcontrol.v1beta3.NonResourcePolicyRule.nonResourceURLs":                             {listType: "set"},
		"io.k8s.api.flowcontrol.v1beta3.NonResourcePolicyRule.verbs":                                       {listType: "set"},
		"io.k8s.api.flowcontrol.v1beta3.ResourcePolicyRule.apiGroups":                                      {listType: "set"},
		"io.k8s.api.flowcontrol.v1beta3.ResourcePolicyRule.namespaces":                                     {listType: "set"},
		"io.k8s.api.flowcontrol.v1beta3.ResourcePolicyRule.resources":                                      {listType: "set"},
		"io.k8s.api.flowcontrol.v1beta3.ResourcePolicyRule.verbs":                                          {listType: "set"},
		"io.k8s.api.resource.v1.AllocatedDeviceStatus.conditions":                                          {listType: "map", keys: []string{"type"}},
		"io.k8s.api.resource.v1.DeviceRequestAllocationResult.skipNodeOperations":                          {listType: "set"},
		"io.k8s.api.resource.v1.ResourceClaimStatus.devices":                                               {listType: "map", keys: []string{"driver", "device", "pool", "shareID"}},
		"io.k8s.api.resource.v1.ResourceSliceSpec.skipNodeOperations":                                      {listType: "set"},
		"io.k8s.api.resource.v1beta1.AllocatedDeviceStatus.conditions":                                     {listType: "map", keys: []string{"type"}},
		"io.k8s.api.resource.v1beta1.DeviceRequestAllocationResult.skipNodeOperations":                     {listType: "set"},
		"io.k8s.api.resource.v1beta1.ResourceClaimStatus.devices":                                          {listType: "map", keys: []string{"driver", "device", "pool", "shareID"}},
		"io.k8s.api.resource.v1beta1.ResourceSliceSpec.skipNodeOperations":                                 {listType: "set"},
		"io.k8s.api.resource.v1beta2.AllocatedDeviceStatus.conditions":                                     {listType: "map", keys: []string{"type"}},
		"io.k8s.api.resource.v1beta2.DeviceRequestAllocationResult.skipNodeOperations":                     {listType: "set"},
		"io.k8s.api.resource.v1beta2.ResourceClaimStatus.devices":                                          {listType: "map", keys: []string{"driver", "device", "pool", "shareID"}},
		"io.k8s.api.resource.v1beta2.ResourceSliceSpec.skipNodeOperations":                                 {listType: "set"},
		"io.k8s.api.scheduling.v1alpha3.CompositePodGroupTemplate.podGroupTemplates":                       {listType: "map", keys: []string{"name"}},
		"io.k8s.api.scheduling.v1alpha3.WorkloadSpec.compositePodGroupTemplates":                           {listType: "map", keys: []string{"name"}},
		"io.k8s.api.scheduling.v1alpha3.WorkloadSpec.podGroupTemplates":                                    {listType: "map", keys: []string{"name"}},
		"io.k8s.api.scheduling.v1beta1.CompositePodGroupTemplate.podGroupTemplates":                        {listType: "map", keys: []string{"name"}},
		"io.k8s.api.scheduling.v1beta1.WorkloadSpec.compositePodGroupTemplates":                            {listType: "map", keys: []string{"name"}},
		"io.k8s.api.scheduling.v1beta1.WorkloadSpec.podGroupTemplates":                                     {listType: "map", keys: []string{"name"}},
		"io.k8s.api.storage.v1.CSIDriverSpec.volumeLifecycleModes":                                         {listType: "set"},
	}
}

// fieldMapTypes returns the x-kubernetes-map-type of map and struct fields
// that upstream marks +mapType, keyed like listTypeOverrides.
func fieldMapTypes() map[string]string {
	return map[string]string{
		"io.k8s.api.core.v1.PersistentVolumeClaimStatus.allocatedResourceStatuses": "granular",
		"io.k8s.api.core.v1.PersistentVolumeSpec.claimRef":                         "granular",
		"io.k8s.api.core.v1.PodSpec.nodeSelector":                                  "atomic",
		"io.k8s.api.core.v1.ReplicationControllerSpec.selector":                    "atomic",
		"io.k8s.api.core.v1.ServiceSpec.selector":                                  "atomic",
		"io.k8s.api.node.v1.Scheduling.nodeSelector":                               "atomic",
		"io.k8s.api.node.v1alpha1.Scheduling.nodeSelector":                         "atomic",
		"io.k8s.api.node.v1beta1.Scheduling.nodeSelector":                          "atomic",
	}
}

// atomicStructs returns the definitions upstream marks +structType=atomic:
// server-side apply replaces them as a whole.
func atomicStructs() map[string]bool {
	return map[string]bool{
		"io.k8s.api.admissionregistration.v1.MatchResources":                true,
		"io.k8s.api.admissionregistration.v1.NamedRuleWithOperations":       true,
		"io.k8s.api.admissionregistration.v1.ParamKind":                     true,
		"io.k8s.api.admissionregistration.v1.ParamRef":                      true,
		"io.k8s.api.admissionregistration.v1.Variable":                      true,
		"io.k8s.api.admissionregistration.v1alpha1.MatchResources":          true,
		"io.k8s.api.admissionregistration.v1alpha1.NamedRuleWithOperations": true,
		"io.k8s.api.admissionregistration.v1alpha1.ParamKind":               true,
		"io.k8s.api.admissionregistration.v1alpha1.ParamRef":                true,
		"io.k8s.api.admissionregistration.v1beta1.MatchResources":           true,
		"io.k8s.api.admissionregistration.v1beta1.NamedRuleWithOperations":  true,
		"io.k8s.api.admissionregistration.v1beta1.ParamKind":                true,
		"io.k8s.api.admissionregistration.v1beta1.ParamRef":                 true,
		"io.k8s.api.admissionregistration.v1beta1.Variable":                 true,
		"io.k8s.api.autoscaling.v1.CrossVersionObjectReference":             true,
		"io.k8s.api.core.v1.ConfigMapKeySelector":                           true,
		"io.k8s.api.core.v1.EndpointAddress":                                true,
		"io.k8s.api.core.v1.EndpointPort":                                   true,
		"io.k8s.api.core.v1.EvictionResponder":                              true,
		"io.k8s.api.core.v1.FileKeySelector":                                true,
		"io.k8s.api.core.v1.LocalObjectReference":                           true,
		"io.k8s.api.core.v1.NodeSelector":                                   true,
		"io.k8s.api.core.v1.NodeSelectorTerm":                               true,
		"io.k8s.api.core.v1.ObjectFieldSelector":                            true,
		"io.k8s.api.core.v1.ObjectReference":                                true,
		"io.k8s.api.core.v1.ResourceFieldSelector":                          true,
		"io.k8s.api.core.v1.ScopeSelector":                                  true,
		"io.k8s.api.core.v1.SecretKeySelector":                              true,
		"io.k8s.api.core.v1.SecretReference":                                true,
		"io.k8s.api.core.v1.TopologySelectorTerm":                           true,
		"io.k8s.api.core.v1.TypedLocalObjectReference":                      true,
		"io.k8s.api.discovery.v1.EndpointPort":                              true,
		"io.k8s.api.lifecycle.v1alpha1.Requester":                           true,
		"io.k8s.api.lifecycle.v1alpha1.TargetResponder":                     true,
		"io.k8s.api.networking.v1.ServiceBackendPort":                       true,
		"io.k8s.api.rbac.v1.RoleRef":                                        true,
		"io.k8s.api.rbac.v1.Subject":                                        true,
		"io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector":                true,
		"io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference":               true,
	}
}

// fieldDefaults returns the non-zero defaults upstream declares on list-map
// key fields, keyed like listTypeOverrides: apply configurations may omit
// them.
func fieldDefaults() map[string]any {
	return map[string]any{
		"io.k8s.api.core.v1.ContainerPort.protocol": "TCP",
		"io.k8s.api.core.v1.ServicePort.protocol":   "TCP",
	}
}
