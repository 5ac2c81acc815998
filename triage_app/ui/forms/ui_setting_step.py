# GENERATED FILE - DO NOT EDIT.
# Made by scripts/gen_forms.py from forms/setting_step.ui with pyside6-uic;
# edit the .ui file in Qt Designer and run the script again.

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QPlainTextEdit, QSizePolicy, QSpacerItem, QVBoxLayout, QWidget

class Ui_SettingStep(object):
    def setupUi(self, SettingStep):
        if not SettingStep.objectName():
            SettingStep.setObjectName(u"SettingStep")
        self.setting_layout = QVBoxLayout(SettingStep)
        self.setting_layout.setObjectName(u"setting_layout")
        self.setting_form = QFormLayout()
        self.setting_form.setObjectName(u"setting_form")
        self.assessed_at_label = QLabel(SettingStep)
        self.assessed_at_label.setObjectName(u"assessed_at_label")

        self.setting_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.assessed_at_label)

        self.assessed_at_edit = QLineEdit(SettingStep)
        self.assessed_at_edit.setObjectName(u"assessed_at_edit")

        self.setting_form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.assessed_at_edit)

        self.setting_label = QLabel(SettingStep)
        self.setting_label.setObjectName(u"setting_label")

        self.setting_form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.setting_label)

        self.setting_combo = QComboBox(SettingStep)
        self.setting_combo.setObjectName(u"setting_combo")

        self.setting_form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.setting_combo)

        self.report_mode_label = QLabel(SettingStep)
        self.report_mode_label.setObjectName(u"report_mode_label")

        self.setting_form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.report_mode_label)

        self.report_mode_combo = QComboBox(SettingStep)
        self.report_mode_combo.addItem("")
        self.report_mode_combo.addItem("")
        self.report_mode_combo.setObjectName(u"report_mode_combo")

        self.setting_form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.report_mode_combo)

        self.concern_label = QLabel(SettingStep)
        self.concern_label.setObjectName(u"concern_label")

        self.setting_form.setWidget(3, QFormLayout.ItemRole.LabelRole, self.concern_label)

        self.concern_edit = QPlainTextEdit(SettingStep)
        self.concern_edit.setObjectName(u"concern_edit")
        self.concern_edit.setTabChangesFocus(True)

        self.setting_form.setWidget(3, QFormLayout.ItemRole.FieldRole, self.concern_edit)


        self.setting_layout.addLayout(self.setting_form)

        self.emergency_group = QGroupBox(SettingStep)
        self.emergency_group.setObjectName(u"emergency_group")
        self.emergency_layout = QVBoxLayout(self.emergency_group)
        self.emergency_layout.setObjectName(u"emergency_layout")
        self.reduced_responsiveness_check = QCheckBox(self.emergency_group)
        self.reduced_responsiveness_check.setObjectName(u"reduced_responsiveness_check")

        self.emergency_layout.addWidget(self.reduced_responsiveness_check)

        self.breathing_difficulty_check = QCheckBox(self.emergency_group)
        self.breathing_difficulty_check.setObjectName(u"breathing_difficulty_check")

        self.emergency_layout.addWidget(self.breathing_difficulty_check)

        self.seizure_check = QCheckBox(self.emergency_group)
        self.seizure_check.setObjectName(u"seizure_check")

        self.emergency_layout.addWidget(self.seizure_check)

        self.active_bleeding_check = QCheckBox(self.emergency_group)
        self.active_bleeding_check.setObjectName(u"active_bleeding_check")

        self.emergency_layout.addWidget(self.active_bleeding_check)

        self.head_swelling_check = QCheckBox(self.emergency_group)
        self.head_swelling_check.setObjectName(u"head_swelling_check")

        self.emergency_layout.addWidget(self.head_swelling_check)

        self.significant_burn_check = QCheckBox(self.emergency_group)
        self.significant_burn_check.setObjectName(u"significant_burn_check")

        self.emergency_layout.addWidget(self.significant_burn_check)

        self.clinician_concern_check = QCheckBox(self.emergency_group)
        self.clinician_concern_check.setObjectName(u"clinician_concern_check")

        self.emergency_layout.addWidget(self.clinician_concern_check)


        self.setting_layout.addWidget(self.emergency_group)

        self.setting_layout_spacer_3 = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.setting_layout.addItem(self.setting_layout_spacer_3)

#if QT_CONFIG(shortcut)
        self.assessed_at_label.setBuddy(self.assessed_at_edit)
        self.setting_label.setBuddy(self.setting_combo)
        self.report_mode_label.setBuddy(self.report_mode_combo)
        self.concern_label.setBuddy(self.concern_edit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.assessed_at_edit, self.setting_combo)
        QWidget.setTabOrder(self.setting_combo, self.report_mode_combo)
        QWidget.setTabOrder(self.report_mode_combo, self.concern_edit)
        QWidget.setTabOrder(self.concern_edit, self.reduced_responsiveness_check)
        QWidget.setTabOrder(self.reduced_responsiveness_check, self.breathing_difficulty_check)
        QWidget.setTabOrder(self.breathing_difficulty_check, self.seizure_check)
        QWidget.setTabOrder(self.seizure_check, self.active_bleeding_check)
        QWidget.setTabOrder(self.active_bleeding_check, self.head_swelling_check)
        QWidget.setTabOrder(self.head_swelling_check, self.significant_burn_check)
        QWidget.setTabOrder(self.significant_burn_check, self.clinician_concern_check)

        self.retranslateUi(SettingStep)
    # setupUi

    def retranslateUi(self, SettingStep):
        SettingStep.setWindowTitle(QCoreApplication.translate("SettingStep", u"Setting and concern", None))
        self.assessed_at_label.setText(QCoreApplication.translate("SettingStep", u"Assessed &at", None))
#if QT_CONFIG(accessibility)
        self.assessed_at_edit.setAccessibleName(QCoreApplication.translate("SettingStep", u"Assessed at", None))
#endif // QT_CONFIG(accessibility)
        self.assessed_at_edit.setPlaceholderText(QCoreApplication.translate("SettingStep", u"e.g. 03-Sep-2025 10:40", None))
        self.setting_label.setText(QCoreApplication.translate("SettingStep", u"&Setting", None))
#if QT_CONFIG(accessibility)
        self.setting_combo.setAccessibleName(QCoreApplication.translate("SettingStep", u"Setting", None))
#endif // QT_CONFIG(accessibility)
        self.report_mode_label.setText(QCoreApplication.translate("SettingStep", u"S&een", None))
        self.report_mode_combo.setItemText(0, QCoreApplication.translate("SettingStep", u"In person", None))
        self.report_mode_combo.setItemText(1, QCoreApplication.translate("SettingStep", u"Reported remotely (phone, message, photo or video)", None))

#if QT_CONFIG(accessibility)
        self.report_mode_combo.setAccessibleName(QCoreApplication.translate("SettingStep", u"Seen in person or reported remotely", None))
#endif // QT_CONFIG(accessibility)
        self.concern_label.setText(QCoreApplication.translate("SettingStep", u"&How the concern arose", None))
#if QT_CONFIG(accessibility)
        self.concern_edit.setAccessibleName(QCoreApplication.translate("SettingStep", u"How the concern arose", None))
#endif // QT_CONFIG(accessibility)
        self.emergency_group.setTitle(QCoreApplication.translate("SettingStep", u"Emergency signs now (tick any)", None))
#if QT_CONFIG(accessibility)
        self.emergency_group.setAccessibleName(QCoreApplication.translate("SettingStep", u"Emergency signs", None))
#endif // QT_CONFIG(accessibility)
        self.reduced_responsiveness_check.setText(QCoreApplication.translate("SettingStep", u"Reduced responsiveness", None))
#if QT_CONFIG(accessibility)
        self.reduced_responsiveness_check.setAccessibleName(QCoreApplication.translate("SettingStep", u"Reduced responsiveness", None))
#endif // QT_CONFIG(accessibility)
        self.breathing_difficulty_check.setText(QCoreApplication.translate("SettingStep", u"Breathing difficulty", None))
#if QT_CONFIG(accessibility)
        self.breathing_difficulty_check.setAccessibleName(QCoreApplication.translate("SettingStep", u"Breathing difficulty", None))
#endif // QT_CONFIG(accessibility)
        self.seizure_check.setText(QCoreApplication.translate("SettingStep", u"Seizure", None))
#if QT_CONFIG(accessibility)
        self.seizure_check.setAccessibleName(QCoreApplication.translate("SettingStep", u"Seizure", None))
#endif // QT_CONFIG(accessibility)
        self.active_bleeding_check.setText(QCoreApplication.translate("SettingStep", u"Active bleeding", None))
#if QT_CONFIG(accessibility)
        self.active_bleeding_check.setAccessibleName(QCoreApplication.translate("SettingStep", u"Active bleeding", None))
#endif // QT_CONFIG(accessibility)
        self.head_swelling_check.setText(QCoreApplication.translate("SettingStep", u"Head swelling", None))
#if QT_CONFIG(accessibility)
        self.head_swelling_check.setAccessibleName(QCoreApplication.translate("SettingStep", u"Head swelling", None))
#endif // QT_CONFIG(accessibility)
        self.significant_burn_check.setText(QCoreApplication.translate("SettingStep", u"Significant burn", None))
#if QT_CONFIG(accessibility)
        self.significant_burn_check.setAccessibleName(QCoreApplication.translate("SettingStep", u"Significant burn", None))
#endif // QT_CONFIG(accessibility)
        self.clinician_concern_check.setText(QCoreApplication.translate("SettingStep", u"Clinician concerned the child is unwell", None))
#if QT_CONFIG(accessibility)
        self.clinician_concern_check.setAccessibleName(QCoreApplication.translate("SettingStep", u"Clinician concerned the child is unwell", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

