# GENERATED FILE - DO NOT EDIT.
# Made by scripts/gen_forms.py from forms/context_step.ui with pyside6-uic;
# edit the .ui file in Qt Designer and run the script again.

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSpacerItem, QTableWidget, QVBoxLayout, QWidget

class Ui_ContextStep(object):
    def setupUi(self, ContextStep):
        if not ContextStep.objectName():
            ContextStep.setObjectName(u"ContextStep")
        self.context_layout = QVBoxLayout(ContextStep)
        self.context_layout.setObjectName(u"context_layout")
        self.context_form = QFormLayout()
        self.context_form.setObjectName(u"context_form")
        self.cp_is_label = QLabel(ContextStep)
        self.cp_is_label.setObjectName(u"cp_is_label")

        self.context_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.cp_is_label)

        self.cp_is_combo = QComboBox(ContextStep)
        self.cp_is_combo.setObjectName(u"cp_is_combo")

        self.context_form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.cp_is_combo)

        self.bleeding_label = QLabel(ContextStep)
        self.bleeding_label.setObjectName(u"bleeding_label")

        self.context_form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.bleeding_label)

        self.bleeding_combo = QComboBox(ContextStep)
        self.bleeding_combo.addItem("")
        self.bleeding_combo.addItem("")
        self.bleeding_combo.addItem("")
        self.bleeding_combo.setObjectName(u"bleeding_combo")

        self.context_form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.bleeding_combo)

        self.previous_nai_label = QLabel(ContextStep)
        self.previous_nai_label.setObjectName(u"previous_nai_label")

        self.context_form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.previous_nai_label)

        self.previous_nai_combo = QComboBox(ContextStep)
        self.previous_nai_combo.addItem("")
        self.previous_nai_combo.addItem("")
        self.previous_nai_combo.addItem("")
        self.previous_nai_combo.setObjectName(u"previous_nai_combo")

        self.context_form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.previous_nai_combo)

        self.pregnant_label = QLabel(ContextStep)
        self.pregnant_label.setObjectName(u"pregnant_label")

        self.context_form.setWidget(3, QFormLayout.ItemRole.LabelRole, self.pregnant_label)

        self.pregnant_combo = QComboBox(ContextStep)
        self.pregnant_combo.addItem("")
        self.pregnant_combo.addItem("")
        self.pregnant_combo.addItem("")
        self.pregnant_combo.setObjectName(u"pregnant_combo")

        self.context_form.setWidget(3, QFormLayout.ItemRole.FieldRole, self.pregnant_combo)


        self.context_layout.addLayout(self.context_form)

        self.household_label = QLabel(ContextStep)
        self.household_label.setObjectName(u"household_label")
        self.household_label.setWordWrap(True)

        self.context_layout.addWidget(self.household_label)

        self.household_table = QTableWidget(ContextStep)
        self.household_table.setObjectName(u"household_table")
        self.household_table.setTabKeyNavigation(False)

        self.context_layout.addWidget(self.household_table)

        self.household_buttons_layout = QHBoxLayout()
        self.household_buttons_layout.setObjectName(u"household_buttons_layout")
        self.add_household_button = QPushButton(ContextStep)
        self.add_household_button.setObjectName(u"add_household_button")

        self.household_buttons_layout.addWidget(self.add_household_button)

        self.remove_household_button = QPushButton(ContextStep)
        self.remove_household_button.setObjectName(u"remove_household_button")

        self.household_buttons_layout.addWidget(self.remove_household_button)

        self.household_buttons_layout_spacer_6 = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.household_buttons_layout.addItem(self.household_buttons_layout_spacer_6)


        self.context_layout.addLayout(self.household_buttons_layout)

#if QT_CONFIG(shortcut)
        self.cp_is_label.setBuddy(self.cp_is_combo)
        self.bleeding_label.setBuddy(self.bleeding_combo)
        self.previous_nai_label.setBuddy(self.previous_nai_combo)
        self.pregnant_label.setBuddy(self.pregnant_combo)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.cp_is_combo, self.bleeding_combo)
        QWidget.setTabOrder(self.bleeding_combo, self.previous_nai_combo)
        QWidget.setTabOrder(self.previous_nai_combo, self.pregnant_combo)
        QWidget.setTabOrder(self.pregnant_combo, self.household_table)
        QWidget.setTabOrder(self.household_table, self.add_household_button)
        QWidget.setTabOrder(self.add_household_button, self.remove_household_button)

        self.retranslateUi(ContextStep)
    # setupUi

    def retranslateUi(self, ContextStep):
        ContextStep.setWindowTitle(QCoreApplication.translate("ContextStep", u"Context", None))
        self.cp_is_label.setText(QCoreApplication.translate("ContextStep", u"CP-&IS result", None))
#if QT_CONFIG(accessibility)
        self.cp_is_combo.setAccessibleName(QCoreApplication.translate("ContextStep", u"CP-IS result", None))
#endif // QT_CONFIG(accessibility)
        self.bleeding_label.setText(QCoreApplication.translate("ContextStep", u"Known bleeding &disorder", None))
        self.bleeding_combo.setItemText(0, QCoreApplication.translate("ContextStep", u"Not known", None))
        self.bleeding_combo.setItemText(1, QCoreApplication.translate("ContextStep", u"Yes", None))
        self.bleeding_combo.setItemText(2, QCoreApplication.translate("ContextStep", u"No", None))

#if QT_CONFIG(accessibility)
        self.bleeding_combo.setAccessibleName(QCoreApplication.translate("ContextStep", u"Known bleeding disorder", None))
#endif // QT_CONFIG(accessibility)
        self.previous_nai_label.setText(QCoreApplication.translate("ContextStep", u"&Previous non-accidental injury in the family", None))
        self.previous_nai_combo.setItemText(0, QCoreApplication.translate("ContextStep", u"Not known", None))
        self.previous_nai_combo.setItemText(1, QCoreApplication.translate("ContextStep", u"Yes", None))
        self.previous_nai_combo.setItemText(2, QCoreApplication.translate("ContextStep", u"No", None))

#if QT_CONFIG(accessibility)
        self.previous_nai_combo.setAccessibleName(QCoreApplication.translate("ContextStep", u"Previous non-accidental injury in the family", None))
#endif // QT_CONFIG(accessibility)
        self.pregnant_label.setText(QCoreApplication.translate("ContextStep", u"&Mother pregnant", None))
        self.pregnant_combo.setItemText(0, QCoreApplication.translate("ContextStep", u"Not known", None))
        self.pregnant_combo.setItemText(1, QCoreApplication.translate("ContextStep", u"Yes", None))
        self.pregnant_combo.setItemText(2, QCoreApplication.translate("ContextStep", u"No", None))

#if QT_CONFIG(accessibility)
        self.pregnant_combo.setAccessibleName(QCoreApplication.translate("ContextStep", u"Mother pregnant", None))
#endif // QT_CONFIG(accessibility)
        self.household_label.setText(QCoreApplication.translate("ContextStep", u"Other children in the household", None))
#if QT_CONFIG(accessibility)
        self.household_label.setAccessibleName(QCoreApplication.translate("ContextStep", u"Household heading", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.household_table.setAccessibleName(QCoreApplication.translate("ContextStep", u"Household children", None))
#endif // QT_CONFIG(accessibility)
        self.add_household_button.setText(QCoreApplication.translate("ContextStep", u"&Add child to household", None))
#if QT_CONFIG(accessibility)
        self.add_household_button.setAccessibleName(QCoreApplication.translate("ContextStep", u"Add child to household", None))
#endif // QT_CONFIG(accessibility)
        self.remove_household_button.setText(QCoreApplication.translate("ContextStep", u"&Remove selected", None))
#if QT_CONFIG(accessibility)
        self.remove_household_button.setAccessibleName(QCoreApplication.translate("ContextStep", u"Remove selected", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

