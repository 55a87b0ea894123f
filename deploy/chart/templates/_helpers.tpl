{{- define "sts-storage.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "sts-storage.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "sts-storage.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "sts-storage.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "sts-storage.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
The kinds the audit reads (src/kube/resources.ts KINDS), by scope; a test compares them with the
code. Then the owner records: Helm release Secrets where the sets are, GitOps objects and the
custom resources that control sets.
*/}}
{{- define "sts-storage.namespacedRules" -}}
- apiGroups: [""]
  resources: [persistentvolumeclaims, pods, events, services]
  verbs: [get, list, watch]
- apiGroups: [apps]
  resources: [statefulsets]
  verbs: [get, list, watch]
- apiGroups: [snapshot.storage.k8s.io]
  resources: [volumesnapshots]
  verbs: [get, list, watch]
{{- if .Values.rbac.helmReleaseSecrets }}
- apiGroups: [""]
  resources: [secrets]
  verbs: [list]
{{- end }}
{{- range .Values.rbac.controllerResources }}
- apiGroups: {{ toJson .apiGroups }}
  resources: {{ toJson .resources }}
  verbs: [list]
{{- end }}
{{- end -}}

{{- define "sts-storage.clusterRules" -}}
- apiGroups: [""]
  resources: [persistentvolumes, nodes]
  verbs: [get, list, watch]
- apiGroups: [storage.k8s.io]
  resources: [storageclasses, volumeattachments, csidrivers, csinodes]
  verbs: [get, list, watch]
- apiGroups: [snapshot.storage.k8s.io]
  resources: [volumesnapshotcontents, volumesnapshotclasses]
  verbs: [get, list, watch]
{{- /* GitOps objects live in their tool's namespaces (argocd, flux-system), not the sets': cluster-wide. */}}
{{- if .Values.rbac.gitOps }}
- apiGroups: [argoproj.io]
  resources: [applications]
  verbs: [list]
- apiGroups: [kustomize.toolkit.fluxcd.io]
  resources: [kustomizations]
  verbs: [list]
- apiGroups: [helm.toolkit.fluxcd.io]
  resources: [helmreleases]
  verbs: [list]
{{- end }}
{{- end -}}
