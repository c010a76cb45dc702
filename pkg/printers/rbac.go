package printers

import (
	"strings"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// bindingColumns are the columns of role bindings and cluster role
// bindings; kind is "roleBinding" or "clusterRoleBinding".
func bindingColumns(kind string) []metav1.TableColumnDefinition {
	return []metav1.TableColumnDefinition{
		nameColumn(),
		col("Role", typeString, rbacv1.RoleBinding{}.SwaggerDoc()["roleRef"]),
		ageColumn(),
		wide("Users", typeString, "Users in the "+kind),
		wide("Groups", typeString, "Groups in the "+kind),
		wide("ServiceAccounts", typeString, "ServiceAccounts in the "+kind),
	}
}

func roleBindingCells(b *rbacv1.RoleBinding, now time.Time) []any {
	return bindingCells(b.ObjectMeta, b.RoleRef, b.Subjects, now)
}

func clusterRoleBindingCells(b *rbacv1.ClusterRoleBinding, now time.Time) []any {
	return bindingCells(b.ObjectMeta, b.RoleRef, b.Subjects, now)
}

// bindingCells shows the role as Kind/name and the subjects by kind,
// service accounts as namespace/name.
func bindingCells(m metav1.ObjectMeta, ref rbacv1.RoleRef, subjects []rbacv1.Subject, now time.Time) []any {
	var users, groups, sas []string
	for _, s := range subjects {
		switch s.Kind {
		case rbacv1.UserKind:
			users = append(users, s.Name)
		case rbacv1.GroupKind:
			groups = append(groups, s.Name)
		case rbacv1.ServiceAccountKind:
			sas = append(sas, s.Namespace+"/"+s.Name)
		}
	}
	return []any{
		m.Name, ref.Kind + "/" + ref.Name, age(m.CreationTimestamp, now),
		strings.Join(users, ", "), strings.Join(groups, ", "), strings.Join(sas, ", "),
	}
}
