# GENERATED FILE - DO NOT EDIT.
# Made by scripts/gen_forms.py from forms/explanation_step.ui with pyside6-uic;
# edit the .ui file in Qt Designer and run the script again.

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QSizePolicy, QSpacerItem, QVBoxLayout, QWidget

class Ui_ExplanationStep(object):
    def setupUi(self, ExplanationStep):
        if not ExplanationStep.objectName():
            ExplanationStep.setObjectName(u"ExplanationStep")
        self.explanation_layout = QVBoxLayout(ExplanationStep)
        self.explanation_layout.setObjectName(u"explanation_layout")
        self.explanation_form = QFormLayout()
        self.explanation_form.setObjectName(u"explanation_form")
        self.explanation_label = QLabel(ExplanationStep)
        self.explanation_label.setObjectName(u"explanation_label")

        self.explanation_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.explanation_label)

        self.explanation_edit = QPlainTextEdit(ExplanationStep)
        self.explanation_edit.setObjectName(u"explanation_edit")
        self.explanation_edit.setTabChangesFocus(True)

        self.explanation_form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.explanation_edit)

        self.given_by_label = QLabel(ExplanationStep)
        self.given_by_label.setObjectName(u"given_by_label")

        self.explanation_form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.given_by_label)

        self.given_by_combo = QComboBox(ExplanationStep)
        self.given_by_combo.addItem("")
        self.given_by_combo.addItem("")
        self.given_by_combo.addItem("")
        self.given_by_combo.addItem("")
        self.given_by_combo.addItem("")
        self.given_by_combo.addItem("")
        self.given_by_combo.addItem("")
        self.given_by_combo.setObjectName(u"given_by_combo")
        self.given_by_combo.setEditable(True)

        self.explanation_form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.given_by_combo)

        self.given_at_label = QLabel(ExplanationStep)
        self.given_at_label.setObjectName(u"given_at_label")

        self.explanation_form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.given_at_label)

        self.given_at_edit = QLineEdit(ExplanationStep)
        self.given_at_edit.setObjectName(u"given_at_edit")

        self.explanation_form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.given_at_edit)

        self.changed_label = QLabel(ExplanationStep)
        self.changed_label.setObjectName(u"changed_label")

        self.explanation_form.setWidget(3, QFormLayout.ItemRole.LabelRole, self.changed_label)

        self.changed_combo = QComboBox(ExplanationStep)
        self.changed_combo.addItem("")
        self.changed_combo.addItem("")
        self.changed_combo.addItem("")
        self.changed_combo.setObjectName(u"changed_combo")

        self.explanation_form.setWidget(3, QFormLayout.ItemRole.FieldRole, self.changed_combo)

        self.delay_label = QLabel(ExplanationStep)
        self.delay_label.setObjectName(u"delay_label")

        self.explanation_form.setWidget(4, QFormLayout.ItemRole.LabelRole, self.delay_label)

        self.delay_combo = QComboBox(ExplanationStep)
        self.delay_combo.addItem("")
        self.delay_combo.addItem("")
        self.delay_combo.addItem("")
        self.delay_combo.setObjectName(u"delay_combo")

        self.explanation_form.setWidget(4, QFormLayout.ItemRole.FieldRole, self.delay_combo)


        self.explanation_layout.addLayout(self.explanation_form)

        self.nim_note_label = QLabel(ExplanationStep)
        self.nim_note_label.setObjectName(u"nim_note_label")
        self.nim_note_label.setWordWrap(True)

        self.explanation_layout.addWidget(self.nim_note_label)

        self.explanation_layout_spacer_5 = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.explanation_layout.addItem(self.explanation_layout_spacer_5)

#if QT_CONFIG(shortcut)
        self.explanation_label.setBuddy(self.explanation_edit)
        self.given_by_label.setBuddy(self.given_by_combo)
        self.given_at_label.setBuddy(self.given_at_edit)
        self.changed_label.setBuddy(self.changed_combo)
        self.delay_label.setBuddy(self.delay_combo)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.explanation_edit, self.given_by_combo)
        QWidget.setTabOrder(self.given_by_combo, self.given_at_edit)
        QWidget.setTabOrder(self.given_at_edit, self.changed_combo)
        QWidget.setTabOrder(self.changed_combo, self.delay_combo)

        self.retranslateUi(ExplanationStep)
    # setupUi

    def retranslateUi(self, ExplanationStep):
        ExplanationStep.setWindowTitle(QCoreApplication.translate("ExplanationStep", u"Explanation", None))
        self.explanation_label.setText(QCoreApplication.translate("ExplanationStep", u"&Explanation (word for word)", None))
#if QT_CONFIG(accessibility)
        self.explanation_edit.setAccessibleName(QCoreApplication.translate("ExplanationStep", u"Explanation, word for word", None))
#endif // QT_CONFIG(accessibility)
        self.given_by_label.setText(QCoreApplication.translate("ExplanationStep", u"&Given by", None))
        self.given_by_combo.setItemText(0, "")
        self.given_by_combo.setItemText(1, QCoreApplication.translate("ExplanationStep", u"Mother", None))
        self.given_by_combo.setItemText(2, QCoreApplication.translate("ExplanationStep", u"Father", None))
        self.given_by_combo.setItemText(3, QCoreApplication.translate("ExplanationStep", u"Carer", None))
        self.given_by_combo.setItemText(4, QCoreApplication.translate("ExplanationStep", u"Grandparent", None))
        self.given_by_combo.setItemText(5, QCoreApplication.translate("ExplanationStep", u"Other relative", None))
        self.given_by_combo.setItemText(6, QCoreApplication.translate("ExplanationStep", u"Other", None))

#if QT_CONFIG(accessibility)
        self.given_by_combo.setAccessibleName(QCoreApplication.translate("ExplanationStep", u"Explanation given by", None))
#endif // QT_CONFIG(accessibility)
        self.given_at_label.setText(QCoreApplication.translate("ExplanationStep", u"Given a&t", None))
#if QT_CONFIG(accessibility)
        self.given_at_edit.setAccessibleName(QCoreApplication.translate("ExplanationStep", u"Explanation given at", None))
#endif // QT_CONFIG(accessibility)
        self.given_at_edit.setPlaceholderText(QCoreApplication.translate("ExplanationStep", u"e.g. 03-Sep-2025 10:40", None))
        self.changed_label.setText(QCoreApplication.translate("ExplanationStep", u"C&hanged over time", None))
        self.changed_combo.setItemText(0, QCoreApplication.translate("ExplanationStep", u"Not known", None))
        self.changed_combo.setItemText(1, QCoreApplication.translate("ExplanationStep", u"Yes", None))
        self.changed_combo.setItemText(2, QCoreApplication.translate("ExplanationStep", u"No", None))

#if QT_CONFIG(accessibility)
        self.changed_combo.setAccessibleName(QCoreApplication.translate("ExplanationStep", u"Explanation changed over time", None))
#endif // QT_CONFIG(accessibility)
        self.delay_label.setText(QCoreApplication.translate("ExplanationStep", u"&Delay in seeking help", None))
        self.delay_combo.setItemText(0, QCoreApplication.translate("ExplanationStep", u"Not known", None))
        self.delay_combo.setItemText(1, QCoreApplication.translate("ExplanationStep", u"Yes", None))
        self.delay_combo.setItemText(2, QCoreApplication.translate("ExplanationStep", u"No", None))

#if QT_CONFIG(accessibility)
        self.delay_combo.setAccessibleName(QCoreApplication.translate("ExplanationStep", u"Delay in presentation", None))
#endif // QT_CONFIG(accessibility)
        self.nim_note_label.setText("")
#if QT_CONFIG(accessibility)
        self.nim_note_label.setAccessibleName(QCoreApplication.translate("ExplanationStep", u"Note about the explanation", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

